-- Version 10: the day's lists (scoring.workload). owner_assignments.owner may now also be
-- 'Backlog' (no rep had room today) or 'Do not contact'; rule gains overflow, recycled, backlog
-- and do_not_contact; reason is the short phrase the sheet shows ("Assigned because"), e.g.
-- "territory FR software" or "overflow: Camille Martin at capacity".
ALTER TABLE owner_assignments ADD COLUMN IF NOT EXISTS reason VARCHAR;
