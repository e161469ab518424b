ALTER TABLE instance_settings DROP COLUMN logo;
