-- 0011: anpr-ingest may no longer read the marks it stores (docs/access.md,
-- "3. The database enforces it"): a compromised ingest service, or anyone
-- with its password, could otherwise search every vehicle's movements
-- without the policy or the audit. It keeps what storing and its health
-- report read: ids, chain positions, hashes, days and times of arrival
-- and capture (a capture time without a mark or a place says nothing of a
-- vehicle). The marks, sites, confidences and the records' bytes are not
-- among them.
REVOKE SELECT ON anpr.record_index, anpr.records FROM anpr_ingest;
GRANT SELECT (record_id, camera_id, chain_id, chain_seq, type, capture_day, sha256,
	      prev_hash, received_at, time_utc) ON anpr.record_index TO anpr_ingest;
GRANT SELECT (capture_day, record_id, chain_id, chain_seq) ON anpr.records TO anpr_ingest;
