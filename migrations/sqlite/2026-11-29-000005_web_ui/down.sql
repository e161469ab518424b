DROP INDEX comments_parent;
DROP TABLE notification_marks;
DROP INDEX actors_kind;
DROP TABLE login_failures;
