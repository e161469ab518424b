DROP TABLE instance_settings;
DROP TRIGGER post_stats_comment_insert;
DROP TRIGGER post_stats_like_delete;
DROP TRIGGER post_stats_like_insert;
DROP TRIGGER post_stats_post_insert;
DROP TABLE post_stats;
