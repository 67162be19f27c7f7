-- 0009: retention (docs/access.md, "5. Retention"): legal holds, the
-- purge of every read older than the policy's last tier (24 months) that
-- no hold covers, and what the purge leaves behind so that the chains'
-- bookkeeping stays true: a deleted span is recorded as deleted by
-- retention (with the hash of its last record, so the next record's link
-- still verifies), not reported as a gap, and the image files to remove
-- are listed until the command has removed them.

-- A hold for a named case: the reads it covers are not purged (it does not
-- widen who may search them). Scope: marks (look-alike keys), cameras, a
-- time span; at least one. Made through the senior officers' functions
-- (next), or by the owner.
CREATE TABLE anpr.legal_holds (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	case_ref text NOT NULL CHECK (length(case_ref) BETWEEN 3 AND 64),
	granted_by text NOT NULL DEFAULT session_user,
	vrm_keys text[],
	camera_ids text[],
	t_from timestamptz,
	t_to timestamptz,
	expires_at timestamptz NOT NULL,
	released_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	CHECK (vrm_keys IS NOT NULL OR camera_ids IS NOT NULL OR t_from IS NOT NULL
	       OR t_to IS NOT NULL)
);

-- The purged spans of each chain: first..last deleted by retention on the
-- day purged_at, last_sha256 the hash of record last_seq (the next
-- record's prev_hash).
CREATE TABLE anpr.retention_deleted (
	chain_id text NOT NULL,
	first_seq bigint NOT NULL,
	last_seq bigint NOT NULL,
	capture_day date NOT NULL,
	records bigint NOT NULL,
	last_sha256 bytea NOT NULL CHECK (length(last_sha256) = 32),
	purged_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (chain_id, first_seq),
	CHECK (last_seq >= first_seq)
);

-- Image files (paths under the image store's root: a day's directory
-- "DAY/" or one file "DAY/ab/HASH.jpg") the purge has deleted the reads
-- of, until anpr-db purge has removed them: a crash between the commit
-- and the removal leaves them listed for the next run.
CREATE TABLE anpr.retention_files (
	path text PRIMARY KEY CHECK (path ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}/([0-9a-f]{2}/[0-9a-f]{64}\.jpg)?$'),
	listed_at timestamptz NOT NULL DEFAULT now()
);

-- a day's index rows, deleted at once by the purge
CREATE INDEX record_index_day ON anpr.record_index (capture_day);

-- Deleting a million index rows fired, for each, the foreign key from
-- anpr.checkpoints (14 s; tests/backoffice/bench-purge). Nothing but
-- anpr_store_record_put inserts a checkpoint, in the transaction that
-- inserts its record_index row, and only the purge deletes either (a
-- day's checkpoints before its index rows; backoffice-retention checks
-- it): the key goes.
ALTER TABLE anpr.checkpoints DROP CONSTRAINT checkpoints_record_id_fkey;

-- Does an active hold at now_ cover a read?
CREATE FUNCTION anpr.held(vrm_key_ text, camera_ text, t timestamptz, now_ timestamptz)
RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
	SELECT EXISTS (SELECT 1 FROM anpr.legal_holds h
		WHERE h.expires_at > now_ AND (h.released_at IS NULL OR h.released_at > now_)
		  AND (h.vrm_keys IS NULL OR vrm_key_ = ANY (h.vrm_keys))
		  AND (h.camera_ids IS NULL OR camera_ = ANY (h.camera_ids))
		  AND (h.t_from IS NULL OR t >= h.t_from)
		  AND (h.t_to IS NULL OR t <= h.t_to))
$$;

-- The purge at now_: every day whose last instant is past the policy's
-- last tier. A day no hold touches goes whole (its partition dropped, its
-- index rows and checkpoints deleted, its image directory listed); a day
-- partly held loses only its reads not held (the other records, which
-- prove the held ones' chain, stay). Each day purged is audited: counts
-- and the SHA-256 of its record list ("record_id sha256hex\n" in chain
-- order). Returns one row per day purged. Idempotent: a second run finds
-- nothing due. Runs as the owner (SECURITY DEFINER): only the owner may
-- drop a partition.
CREATE FUNCTION anpr.purge_at(now_ timestamptz)
RETURNS TABLE (day date, records_deleted bigint, records_kept bigint, list_sha256 text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
-- the day's record list is sorted and hashed in memory, not spilled to
-- disk in 4 MB runs (4.3 s of the 13 for a million reads)
SET work_mem = '256MB'
AS $$
DECLARE
	last_tier interval := (SELECT max_age FROM anpr.policy_tiers ORDER BY tier DESC LIMIT 1);
	d date;
	part text;
	n_all bigint;
	n_held bigint;
	n_reads bigint;
	n_left bigint;
	list text;
	may_hold boolean;
BEGIN
	-- one purge at a time
	PERFORM pg_advisory_xact_lock(1095782485, 0);
	-- the days are the partitions (a day partly held keeps its own): no
	-- scan of record_index to find them
	FOR d IN SELECT to_date(substr(c.relname, 9), 'YYYYMMDD') FROM pg_inherits x
		 JOIN pg_class c ON c.oid = x.inhrelid
		 WHERE x.inhparent = 'anpr.records'::regclass AND c.relname ~ '^records_[0-9]{8}$'
		   AND (to_date(substr(c.relname, 9), 'YYYYMMDD') + 1)::timestamptz
		       - interval '1 microsecond' + last_tier <= now_
		 ORDER BY 1 LOOP
		part := 'records_' || to_char(d, 'YYYYMMDD');
		-- a hold can touch the day only if it is active and its time
		-- span, if it has one, meets the day: with none, no read of
		-- it is asked (a million calls of anpr.held were 15 s)
		may_hold := EXISTS (SELECT 1 FROM anpr.legal_holds h
			WHERE h.expires_at > now_ AND (h.released_at IS NULL OR h.released_at > now_)
			  AND (h.t_from IS NULL OR h.t_from < (d + 1)::timestamptz)
			  AND (h.t_to IS NULL OR h.t_to >= d::timestamptz));
		SELECT count(*), count(*) FILTER (WHERE i.vrm IS NOT NULL),
		       count(*) FILTER (WHERE may_hold AND i.vrm IS NOT NULL AND
			anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_))
		INTO n_all, n_reads, n_held FROM anpr.record_index i WHERE i.capture_day = d;
		IF n_held > 0 AND n_held = n_reads THEN
			CONTINUE;	-- every read of it held: nothing to do, nothing audited
		END IF;
		-- the record list that goes, hashed for the audit
		SELECT encode(sha256(convert_to(coalesce(string_agg(i.record_id || ' ' ||
			encode(i.sha256, 'hex') || E'\n', '' ORDER BY i.chain_id, i.chain_seq), ''),
			'UTF8')), 'hex')
		INTO list FROM anpr.record_index i WHERE i.capture_day = d
		  AND (n_held = 0 OR (i.vrm IS NOT NULL AND
		       NOT anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_)));
		-- the spans deleted, per chain (runs of consecutive positions)
		INSERT INTO anpr.retention_deleted (chain_id, first_seq, last_seq, capture_day,
						    records, last_sha256)
		SELECT g.chain_id, min(g.chain_seq), max(g.chain_seq), d, count(*),
		       (array_agg(g.sha256 ORDER BY g.chain_seq DESC))[1]
		FROM (SELECT i.chain_id, i.chain_seq, i.sha256,
			     i.chain_seq - row_number() OVER (PARTITION BY i.chain_id
							      ORDER BY i.chain_seq) AS run
		      FROM anpr.record_index i WHERE i.capture_day = d
			AND (n_held = 0 OR (i.vrm IS NOT NULL AND
			     NOT anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_)))) g
		GROUP BY g.chain_id, g.run
		ON CONFLICT DO NOTHING;
		IF n_held = 0 THEN
			INSERT INTO anpr.retention_files (path) VALUES (to_char(d, 'YYYY-MM-DD') || '/')
			ON CONFLICT DO NOTHING;
			DELETE FROM anpr.checkpoints k USING anpr.record_index i
			WHERE k.record_id = i.record_id AND i.capture_day = d;
			IF to_regclass('anpr.' || part) IS NOT NULL THEN
				EXECUTE format('ALTER TABLE anpr.records DETACH PARTITION anpr.%I', part);
				EXECUTE format('DROP TABLE anpr.%I', part);
			END IF;
			DELETE FROM anpr.record_index i WHERE i.capture_day = d;
		ELSE
			-- the images of the reads that go, unless a read kept names them
			INSERT INTO anpr.retention_files (path)
			SELECT DISTINCT to_char(d, 'YYYY-MM-DD') || '/' || substr(h, 1, 2) || '/' || h || '.jpg'
			FROM (SELECT encode(r.plate_sha256, 'hex') AS h, r.record_id FROM anpr.records r
			      JOIN anpr.record_index i USING (capture_day, record_id)
			      WHERE i.capture_day = d AND i.vrm IS NOT NULL
				AND NOT anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_)
			      UNION ALL
			      SELECT encode(r.overview_sha256, 'hex'), r.record_id FROM anpr.records r
			      JOIN anpr.record_index i USING (capture_day, record_id)
			      WHERE i.capture_day = d AND i.vrm IS NOT NULL
				AND NOT anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_)) x
			WHERE h IS NOT NULL AND NOT EXISTS (
				SELECT 1 FROM anpr.records k JOIN anpr.record_index j
				USING (capture_day, record_id)
				WHERE k.capture_day = d AND (j.vrm IS NULL OR
				      anpr.held(j.vrm_key, j.camera_id, j.time_utc, now_))
				  AND (encode(k.plate_sha256, 'hex') = x.h OR
				       encode(k.overview_sha256, 'hex') = x.h))
			ON CONFLICT DO NOTHING;
			DELETE FROM anpr.records r USING anpr.record_index i
			WHERE r.capture_day = d AND i.capture_day = d AND r.record_id = i.record_id
			  AND i.vrm IS NOT NULL AND NOT anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_);
			DELETE FROM anpr.record_index i WHERE i.capture_day = d AND i.vrm IS NOT NULL
			  AND NOT anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_);
		END IF;
		SELECT count(*) INTO n_left FROM anpr.record_index i WHERE i.capture_day = d;
		PERFORM audit.append('purge', NULL, NULL, NULL,
			jsonb_build_object('day', d, 'due_since',
				(d + 1)::timestamptz - interval '1 microsecond' + last_tier),
			(n_all - n_left)::int,
			jsonb_build_object('kept', n_left, 'held_reads', n_held,
					   'list_sha256', list));
		day := d;
		records_deleted := n_all - n_left;
		records_kept := n_left;
		list_sha256 := list;
		RETURN NEXT;
	END LOOP;
END
$$;
REVOKE ALL ON FUNCTION anpr.purge_at(timestamptz) FROM PUBLIC;

-- the gap report (anpr-ingest's health) and the search's link flag read
-- the deleted spans; nobody but the owner writes them
GRANT SELECT ON anpr.retention_deleted TO anpr_ingest, anpr_reader;
GRANT SELECT ON anpr.legal_holds TO anpr_senior, anpr_auditor;
