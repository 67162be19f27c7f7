-- 0001: the roles, and the camera register (docs/backoffice.md, "The
-- camera register"). Applied by anpr_store_migrate in one transaction;
-- never edit an applied migration: add the next one.
--
-- Roles (cluster-wide, so made only where missing; a deployment gives
-- them LOGIN or members): anpr_ingest is what anpr-ingest connects as
-- (reads the register, inserts records; never deletes); anpr_reader is
-- what anpr-query connects as (reads). The owner of the schema (who runs
-- the migrations) is neither. Issue 20 adds access tiers and the audit of
-- searches by giving anpr_reader views or functions instead of tables.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anpr_ingest') THEN
		CREATE ROLE anpr_ingest NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anpr_reader') THEN
		CREATE ROLE anpr_reader NOLOGIN;
	END IF;
END
$$;

CREATE TABLE anpr.cameras (
	camera_id text PRIMARY KEY CHECK (camera_id ~ '^[A-Za-z0-9_.:+-]{1,32}$'),
	kind text NOT NULL CHECK (kind IN ('fixed', 'mobile')),
	-- restricted (issue 20): never logged
	site_id text CHECK (length(site_id) BETWEEN 1 AND 64),
	site_lat double precision CHECK (site_lat BETWEEN -90 AND 90),
	site_lon double precision CHECK (site_lon BETWEEN -180 AND 180),
	site_bearing_deg integer CHECK (site_bearing_deg BETWEEN 0 AND 359),
	note text,
	created_at timestamptz NOT NULL DEFAULT now(),
	retired_at timestamptz,
	-- a fixed camera has a site; a mobile one's position is in its reads
	CHECK (kind = 'mobile' OR site_id IS NOT NULL)
);

CREATE TABLE anpr.camera_keys (
	camera_id text NOT NULL REFERENCES anpr.cameras,
	key_id text NOT NULL CHECK (key_id ~ '^[0-9A-F]{16}$'),
	public_key text NOT NULL CHECK (public_key ~ '^[A-Za-z0-9+/]{56}$'),
	added_at timestamptz NOT NULL DEFAULT now(),
	-- the key-rotation record that handed the chain over to this key
	via_record_id text,
	revoked_at timestamptz,
	PRIMARY KEY (camera_id, key_id)
);

CREATE TABLE anpr.camera_certs (
	fingerprint_sha256 text PRIMARY KEY CHECK (fingerprint_sha256 ~ '^[0-9a-f]{64}$'),
	camera_id text NOT NULL REFERENCES anpr.cameras,
	subject text NOT NULL,
	not_after timestamptz NOT NULL,
	added_at timestamptz NOT NULL DEFAULT now(),
	revoked_at timestamptz
);
CREATE INDEX camera_certs_camera ON anpr.camera_certs (camera_id);
