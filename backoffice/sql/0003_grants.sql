-- 0003: what each role may do. anpr_ingest inserts and updates only the
-- flags and holdings the store maintains; it cannot delete or rewrite a
-- record's bytes, nor read the quarantine's neighbours' secrets (there are
-- none). anpr_reader reads the records and the register, not the
-- quarantine. No role but the owner deletes: retention (issue 20) runs as
-- the owner and drops whole days.
GRANT USAGE ON SCHEMA anpr TO anpr_ingest, anpr_reader;
GRANT SELECT ON anpr.cameras, anpr.camera_keys, anpr.camera_certs TO anpr_ingest, anpr_reader;
-- a key handed over by a verified key-rotation record
GRANT INSERT ON anpr.camera_keys TO anpr_ingest;
GRANT SELECT, INSERT ON anpr.record_index, anpr.records, anpr.checkpoints, anpr.quarantine TO anpr_ingest;
GRANT UPDATE (link, covered) ON anpr.records TO anpr_ingest;
GRANT UPDATE (verified_at) ON anpr.checkpoints TO anpr_ingest;
GRANT SELECT, INSERT, UPDATE ON anpr.chains TO anpr_ingest;
GRANT EXECUTE ON FUNCTION anpr.day_partition(date) TO anpr_ingest;
GRANT SELECT ON anpr.record_index, anpr.records, anpr.chains, anpr.checkpoints TO anpr_reader;
