-- A follow of a remote actor is asked again once when left pending (Lemmy skips what was queued before it first delivers to a new instance).
ALTER TABLE follows ADD COLUMN retried_at TIMESTAMP;
