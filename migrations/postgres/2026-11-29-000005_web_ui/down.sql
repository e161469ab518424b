DROP INDEX comments_parent;
DROP TRIGGER notifications_join_request ON follows;
DROP FUNCTION notifications_join_request();
ALTER TABLE notifications DROP COLUMN community_id;
DROP INDEX actors_kind;
DROP TABLE login_failures;
