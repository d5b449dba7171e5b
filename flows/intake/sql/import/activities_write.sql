-- The file's new and changed events into activities (lp_event_valid holds one row per
-- event_id). activities has no key index (migration 017): a changed event's stored row is
-- deleted before its new one is inserted, so each event_id stays once.
DELETE FROM activities WHERE event_id IN (SELECT event_id FROM lp_event_valid
                                          WHERE changed AND existed);
INSERT INTO activities BY NAME
SELECT event_id, lead_id, occurred_at, event_type FROM lp_event_valid WHERE changed;
