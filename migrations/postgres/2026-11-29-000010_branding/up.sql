-- The instance's logo: the name of its file in the media store.
ALTER TABLE instance_settings ADD COLUMN logo TEXT;
