ALTER TABLE actors DROP COLUMN header_url;
DROP TABLE media;
