-- 0005: the indexes of anpr.records that no query uses any more. Since
-- 0004 every search by mark, look-alike key or camera reads record_index
-- (one table, whatever the day), and nothing reads anpr.records by those
-- columns: records_vrm, records_vrm_key and records_camera were kept up
-- to date on every insert (three of the eleven index entries a record
-- costs, docs/backoffice.md "What limits ingest") for no reader, and held
-- one more copy of every mark. Dropping the partitioned index drops it on
-- every day's partition. records_chain stays: an export reads a chain's
-- span from anpr.records.
DROP INDEX anpr.records_vrm;
DROP INDEX anpr.records_vrm_key;
DROP INDEX anpr.records_camera;
