ALTER TABLE instance_settings DROP COLUMN logo;
ALTER TABLE actors DROP COLUMN deleted_at;
