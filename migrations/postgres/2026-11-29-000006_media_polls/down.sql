DROP TABLE poll_votes;
DROP TABLE poll_options;
DROP TABLE polls;
ALTER TABLE actors DROP COLUMN header_url;
DROP TABLE media;
