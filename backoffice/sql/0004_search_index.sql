-- 0004: the VRM search without the partitions. anpr.records has a
-- partition per capture day; a search by mark that is not bounded by day
-- (the usual "every read of this vehicle") had every partition planned,
-- locked and probed: over two years, 730 partitions, 150-550 ms of
-- planning per search whatever the answer (docs/backoffice.md, "Tests and
-- targets"). record_index is the one global table, one row per record;
-- it now carries what a search selects and shows of a read, written once
-- by anpr_store_record_put in the same INSERT as the rest of the row and
-- never changed (the ingest role has no UPDATE on it): time, mark, its
-- look-alike key, confidence, site, signature verdict. The link and
-- covered flags change after ingest (a predecessor or a checkpoint
-- arriving later): a search derives them from record_index and
-- anpr.checkpoints by the rule anpr_store_record_put keeps them by, so
-- they are not copied. anpr.records keeps the bytes and every column.
ALTER TABLE anpr.record_index
	ADD COLUMN time_utc timestamptz,
	ADD COLUMN vrm text,
	ADD COLUMN vrm_key text,
	ADD COLUMN confidence real,
	ADD COLUMN site_id text,
	ADD COLUMN sig_ok boolean;

-- a store made before this migration: its rows filled from the records
UPDATE anpr.record_index i SET time_utc = r.time_utc, vrm = r.vrm,
	vrm_key = r.vrm_key, confidence = r.confidence, site_id = r.site_id,
	sig_ok = r.sig_ok
FROM anpr.records r
WHERE r.capture_day = i.capture_day AND r.record_id = i.record_id;

CREATE INDEX record_index_vrm ON anpr.record_index (vrm, time_utc)
	WHERE vrm IS NOT NULL;
CREATE INDEX record_index_vrm_key ON anpr.record_index (vrm_key, time_utc)
	WHERE vrm_key IS NOT NULL;
-- the covered flag of a read: a verified checkpoint over its position
CREATE INDEX checkpoints_chain ON anpr.checkpoints (chain_id, first_seq, last_seq)
	WHERE verified_at IS NOT NULL;
