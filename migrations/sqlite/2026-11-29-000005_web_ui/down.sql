DROP INDEX actors_kind;
DROP TABLE login_failures;
