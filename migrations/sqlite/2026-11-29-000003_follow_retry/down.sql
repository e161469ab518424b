ALTER TABLE follows DROP COLUMN retried_at;
