DROP INDEX likes_actor;
ALTER TABLE activities DROP COLUMN instance_id;
DROP INDEX deliveries_order;
ALTER TABLE deliveries DROP COLUMN object_key;
