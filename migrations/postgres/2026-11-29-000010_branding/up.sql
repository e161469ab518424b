-- The instance's logo: the name of its file in the media store.
ALTER TABLE instance_settings ADD COLUMN logo TEXT;
-- When a member deleted their account: the actor stays (its name is
-- reserved) but is served as gone. Accounts deleted before this column
-- are the local people left without a users row.
ALTER TABLE actors ADD COLUMN deleted_at TIMESTAMP;
UPDATE actors SET deleted_at = updated_at
WHERE local AND kind = 'person'
  AND NOT EXISTS (SELECT 1 FROM users WHERE users.actor_id = actors.id);
