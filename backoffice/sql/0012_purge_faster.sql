-- 0012: the purge of a day of a million reads within its target (issue
-- 20: < 10 s; tests/backoffice/bench-purge). Three costs went (and the
-- sort of the day's record list gets the memory to stay in memory):
-- * anpr.held was asked for every read of a due day even when no hold
--   could touch it (15 us a call): it is now asked only when an active
--   hold's time span meets the day;
-- * deleting the day's index rows fired, for each, the foreign key from
--   anpr.checkpoints (14 s for a million): the key goes. Nothing but
--   anpr_store_record_put inserts a checkpoint, in the transaction that
--   inserts its record_index row, and only the purge deletes either (a
--   day's checkpoints before its index rows); the purge's own check is
--   the test (backoffice-retention).
ALTER TABLE anpr.checkpoints DROP CONSTRAINT checkpoints_record_id_fkey;

CREATE OR REPLACE FUNCTION anpr.purge_at(now_ timestamptz)
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
