-- 0002: the records exactly as signed, partitioned by capture day; the
-- index that makes record ids and chain positions unique across days;
-- per-chain holdings; checkpoints; the quarantine (docs/backoffice.md,
-- "The records").

-- Not partitioned: PostgreSQL cannot enforce uniqueness across partitions,
-- and this is where a record id and a chain position are unique. It also
-- says in which day (partition) a record is, and carries the two hashes
-- the chain links are checked with, so that a link check never has to
-- search the partitions.
CREATE TABLE anpr.record_index (
	record_id text PRIMARY KEY CHECK (record_id ~ '^[A-Za-z0-9_.:+-]{1,64}$'),
	camera_id text NOT NULL REFERENCES anpr.cameras,
	chain_id text NOT NULL CHECK (chain_id ~ '^[0-9A-F]{16}$'),
	chain_seq bigint NOT NULL CHECK (chain_seq >= 1),
	type text NOT NULL,
	capture_day date NOT NULL,
	sha256 bytea NOT NULL CHECK (length(sha256) = 32),
	prev_hash bytea NOT NULL CHECK (length(prev_hash) = 32),
	received_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (chain_id, chain_seq)
);

-- One row per record; a partition per UTC day of time_utc, made by
-- anpr.day_partition when the first record of that day arrives (records
-- arrive for past days: a backlog after an outage). Retention (issue 20)
-- detaches and drops whole days (with their record_index rows).
CREATE TABLE anpr.records (
	capture_day date NOT NULL,
	record_id text NOT NULL,
	camera_id text NOT NULL,
	chain_id text NOT NULL,
	chain_seq bigint NOT NULL,
	type text NOT NULL,
	time_utc timestamptz NOT NULL,
	sha256 bytea NOT NULL,
	prev_hash bytea NOT NULL,
	-- the files as received and signed, byte for byte
	rec bytea NOT NULL,
	sig bytea NOT NULL,
	newsig bytea,
	-- reads
	vrm text,
	vrm_key text,
	confidence real,
	region text,
	hotlist text,
	hotlist_entry text,
	plate_sha256 bytea,
	overview_sha256 bytea,
	site_id text,
	-- what was found at ingest
	sig_ok boolean NOT NULL,
	link text NOT NULL CHECK (link IN ('verified', 'pending')),
	covered boolean NOT NULL DEFAULT false,
	received_at timestamptz NOT NULL DEFAULT now(),
	cert_fingerprint text,
	CHECK (capture_day = (time_utc AT TIME ZONE 'UTC')::date),
	PRIMARY KEY (capture_day, record_id)
) PARTITION BY RANGE (capture_day);
-- Made on every partition: search by VRM, by look-alike key, by camera,
-- each with time; the chain order (export of a span).
CREATE INDEX records_vrm ON anpr.records (vrm, time_utc) WHERE vrm IS NOT NULL;
CREATE INDEX records_vrm_key ON anpr.records (vrm_key, time_utc) WHERE vrm_key IS NOT NULL;
CREATE INDEX records_camera ON anpr.records (camera_id, time_utc);
CREATE INDEX records_chain ON anpr.records (chain_id, chain_seq);

CREATE TABLE anpr.chains (
	chain_id text PRIMARY KEY,
	camera_id text NOT NULL REFERENCES anpr.cameras,
	first_seen timestamptz NOT NULL DEFAULT now(),
	last_seq bigint NOT NULL DEFAULT 0,	-- highest held
	held bigint NOT NULL DEFAULT 0,		-- how many held
	contiguous_to bigint NOT NULL DEFAULT 0,	-- 1..this all held
	covered_to bigint NOT NULL DEFAULT 0,	-- 1..this under verified checkpoints
	oldest_gap_since timestamptz		-- NULL: no gap
);

-- A checkpoint's claim, kept until every record it covers is held and its
-- Merkle root matched (verified_at), whichever arrives last.
CREATE TABLE anpr.checkpoints (
	record_id text PRIMARY KEY REFERENCES anpr.record_index,
	chain_id text NOT NULL,
	first_seq bigint NOT NULL,
	last_seq bigint NOT NULL,
	merkle_root bytea NOT NULL CHECK (length(merkle_root) = 32),
	verified_at timestamptz,
	CHECK (first_seq >= 1 AND last_seq >= first_seq)
);
CREATE INDEX checkpoints_open ON anpr.checkpoints (chain_id, first_seq, last_seq)
	WHERE verified_at IS NULL;

CREATE TABLE anpr.quarantine (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	received_at timestamptz NOT NULL DEFAULT now(),
	cert_fingerprint text,
	camera_id text,
	record_id text,
	claimed_sha256 text,
	reason text NOT NULL,
	detail text,
	rec bytea,
	sig bytea,
	newsig bytea,
	image_paths text
);
CREATE INDEX quarantine_camera ON anpr.quarantine (camera_id, reason);

-- The day's partition, made if missing. SECURITY DEFINER: attaching a
-- partition needs the owner of anpr.records, and anpr_ingest must not be
-- it (it could then drop evidence). Serialised per day by an advisory
-- lock held to the end of the caller's transaction: a second caller waits,
-- then finds the partition committed. CREATE TABLE + ATTACH PARTITION
-- rather than CREATE TABLE ... PARTITION OF: ATTACH takes only a SHARE
-- UPDATE EXCLUSIVE lock on anpr.records, so inserts into other days go on
-- while a new day is made (PARTITION OF would lock them all out).
CREATE FUNCTION anpr.day_partition(day date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	part text := 'records_' || to_char(day, 'YYYYMMDD');
BEGIN
	IF day IS NULL OR day < date '1970-01-01' OR day > date '9999-12-30' THEN
		RAISE EXCEPTION 'capture day % out of range', day;
	END IF;
	IF to_regclass('anpr.' || part) IS NOT NULL THEN
		RETURN;
	END IF;
	-- key: a constant for this use, the day number
	PERFORM pg_advisory_xact_lock(1095782482, day - date '1970-01-01');
	-- a new snapshot (this function is volatile): a partition another
	-- transaction made while this one waited is seen here
	IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		   WHERE n.nspname = 'anpr' AND c.relname = part) THEN
		RETURN;
	END IF;
	EXECUTE format('CREATE TABLE anpr.%I (LIKE anpr.records INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
	EXECUTE format('ALTER TABLE anpr.records ATTACH PARTITION anpr.%I FOR VALUES FROM (%L) TO (%L)',
		       part, day, day + 1);
END
$$;
REVOKE ALL ON FUNCTION anpr.day_partition(date) FROM PUBLIC;
