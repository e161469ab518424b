-- Delivery order: activities about one object reach one inbox in order.
ALTER TABLE deliveries ADD COLUMN object_key TEXT NOT NULL DEFAULT '';
CREATE INDEX deliveries_order ON deliveries (inbox_url, object_key, id);
-- Which instance an incoming activity came from, for the federation status.
ALTER TABLE activities ADD COLUMN instance_id BIGINT REFERENCES instances (id) ON DELETE SET NULL;
-- Comments and likes counted per post without scanning.
CREATE INDEX likes_actor ON likes (actor_id);
