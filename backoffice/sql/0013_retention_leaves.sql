-- 0013: the leaf hashes a held read's disclosure needs after the purge
-- (docs/access.md, "5. Retention" and "6. Disclosure"). A disclosure
-- proves a read under its checkpoint from the SHA-256 of every record of
-- that checkpoint's span (docs/record-format.md, "Disclosure bundle"); the
-- purge deletes the unheld reads around a held one, and with them the
-- leaves its proof is built from. So the purge now keeps, for each record
-- it deletes whose verified checkpoint span still holds a read that
-- stays (a held one), that record's SHA-256 (anpr.retention_leaves); anpr.export_reads fills
-- a span's missing leaves from them; the purge deletes them once no read
-- of their span is left. A day wholly purged whose checkpoint covers a
-- read that stays on an earlier day keeps that checkpoint's record: the
-- day loses its reads only, as a partly held day does.
--
-- Why a kept hash may stand in for the record: it is kept only for a
-- span whose checkpoint was verified (checkpoints.verified_at) before the
-- purge, and verifying a checkpoint is recomputing its signed Merkle root
-- from exactly these hashes, the records' own (anpr-ingest); a hash that
-- differed would not have verified. And anpr-verify checks each proof
-- against the signed root again: a wrong kept hash makes a proof that
-- fails, never one that passes.

-- The SHA-256 of records deleted by retention whose checkpoint span still
-- holds a read (chain_id, chain_seq: the leaf's position). A hash
-- discloses no mark, but the table is the owner's alone: it is read only
-- through anpr.export_reads.
CREATE TABLE anpr.retention_leaves (
	chain_id text NOT NULL,
	chain_seq bigint NOT NULL,
	sha256 bytea NOT NULL CHECK (length(sha256) = 32),
	kept_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (chain_id, chain_seq)
);
REVOKE ALL ON anpr.retention_leaves FROM PUBLIC;

-- The span holding a position: a chain's spans do not overlap (a span
-- starts after the previous checkpoint), so it is the checkpoint with the
-- greatest first_seq at or before it, if its last_seq reaches it; one
-- index probe (the purge asks it at each run's ends, the export per read).
CREATE INDEX checkpoints_span ON anpr.checkpoints (chain_id, first_seq);

-- The purge at now_, as 0009's (the days, the holds, the audit, the
-- files, idempotence) with the leaves kept: before a day's records go,
-- the hashes of those of them in a verified span that keeps a read;
-- after the days, the kept hashes of spans with no read left go. What
-- "goes" is one predicate per day: the whole day, or (partial) its reads
-- no hold covers. A day no hold touches costs two index probes per chain
-- more than before (the spans at the ends of the chain's run), and one
-- per checkpoint of the day (is its span's first record on an earlier
-- day): tests/backoffice/bench-purge.
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
	keep_cp boolean;
	partial boolean;
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
		-- A checkpoint of the day whose span began on an earlier day
		-- that kept a read of it (the days go oldest first, so what is
		-- left before this one stays): its record is what proves that
		-- read, so the day keeps it, losing its reads only. A chain's
		-- records are in time order: a span's records on an earlier day
		-- are its first, so its first record held tells whether to look
		-- (one probe per checkpoint of a day that has none such).
		keep_cp := n_held = 0 AND EXISTS (SELECT 1 FROM anpr.checkpoints k
			JOIN anpr.record_index c ON c.record_id = k.record_id
			WHERE c.capture_day = d AND k.verified_at IS NOT NULL
			  AND CASE WHEN (SELECT s.capture_day FROM anpr.record_index s
					 WHERE s.chain_id = k.chain_id
					   AND s.chain_seq BETWEEN k.first_seq AND k.last_seq
					 ORDER BY s.chain_seq LIMIT 1) < d
			      THEN EXISTS (SELECT 1 FROM anpr.record_index s
					   WHERE s.chain_id = k.chain_id AND s.vrm IS NOT NULL
					     AND s.chain_seq BETWEEN k.first_seq AND k.last_seq
					     AND s.capture_day < d) ELSE false END);
		IF (n_held > 0 OR keep_cp) AND n_held = n_reads THEN
			CONTINUE;	-- every read of it held: nothing to do, nothing audited
		END IF;
		partial := n_held > 0 OR keep_cp;
		-- the record list that goes, hashed for the audit
		SELECT encode(sha256(convert_to(coalesce(string_agg(i.record_id || ' ' ||
			encode(i.sha256, 'hex') || E'\n', '' ORDER BY i.chain_id, i.chain_seq), ''),
			'UTF8')), 'hex')
		INTO list FROM anpr.record_index i WHERE i.capture_day = d
		  AND (NOT partial OR (i.vrm IS NOT NULL AND
		       NOT (may_hold AND anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_))));
		-- the spans deleted, per chain (runs of consecutive positions),
		-- and the leaves kept: a checkpoint span that reaches past a run
		-- holds one of its ends (spans do not overlap; a span inside a
		-- run goes whole); if a read of it stays (one not going now),
		-- the hashes of its records that go are kept. A read, not any
		-- record: only a read is disclosed, and a partly held day keeps
		-- all its heartbeats, whose spans would keep every read's hash.
		WITH runs AS (
			INSERT INTO anpr.retention_deleted (chain_id, first_seq, last_seq,
							    capture_day, records, last_sha256)
			SELECT g.chain_id, min(g.chain_seq), max(g.chain_seq), d, count(*),
			       (array_agg(g.sha256 ORDER BY g.chain_seq DESC))[1]
			FROM (SELECT i.chain_id, i.chain_seq, i.sha256,
				     i.chain_seq - row_number() OVER (PARTITION BY i.chain_id
								      ORDER BY i.chain_seq) AS run
			      FROM anpr.record_index i WHERE i.capture_day = d
				AND (NOT partial OR (i.vrm IS NOT NULL AND NOT (may_hold AND
				     anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_))))) g
			GROUP BY g.chain_id, g.run
			ON CONFLICT DO NOTHING
			RETURNING chain_id, first_seq, last_seq),
		spans AS (
			SELECT DISTINCT k.chain_id, k.first_seq, k.last_seq
			FROM runs r
			CROSS JOIN LATERAL (VALUES (r.first_seq), (r.last_seq)) b(seq)
			CROSS JOIN LATERAL (SELECT c.chain_id, c.first_seq, c.last_seq, c.verified_at
				FROM anpr.checkpoints c
				WHERE c.chain_id = r.chain_id AND c.first_seq <= b.seq
				ORDER BY c.first_seq DESC LIMIT 1) k
			WHERE k.last_seq >= b.seq AND k.verified_at IS NOT NULL
			  AND (k.first_seq < r.first_seq OR k.last_seq > r.last_seq))
		INSERT INTO anpr.retention_leaves (chain_id, chain_seq, sha256)
		SELECT i.chain_id, i.chain_seq, i.sha256
		FROM spans k JOIN anpr.record_index i ON i.chain_id = k.chain_id
		 AND i.chain_seq BETWEEN k.first_seq AND k.last_seq
		WHERE i.capture_day = d
		  AND (NOT partial OR (i.vrm IS NOT NULL AND NOT (may_hold AND
		       anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_))))
		  AND EXISTS (SELECT 1 FROM anpr.record_index s WHERE s.chain_id = k.chain_id
			AND s.chain_seq BETWEEN k.first_seq AND k.last_seq AND s.vrm IS NOT NULL
			AND NOT (s.capture_day = d AND (NOT partial OR (s.vrm IS NOT NULL AND
			     NOT (may_hold AND anpr.held(s.vrm_key, s.camera_id, s.time_utc, now_))))))
		ON CONFLICT DO NOTHING;
		IF NOT partial THEN
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
				AND NOT (may_hold AND anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_))
			      UNION ALL
			      SELECT encode(r.overview_sha256, 'hex'), r.record_id FROM anpr.records r
			      JOIN anpr.record_index i USING (capture_day, record_id)
			      WHERE i.capture_day = d AND i.vrm IS NOT NULL
				AND NOT (may_hold AND anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_))) x
			WHERE h IS NOT NULL AND NOT EXISTS (
				SELECT 1 FROM anpr.records k JOIN anpr.record_index j
				USING (capture_day, record_id)
				WHERE k.capture_day = d AND (j.vrm IS NULL OR
				      (may_hold AND anpr.held(j.vrm_key, j.camera_id, j.time_utc, now_)))
				  AND (encode(k.plate_sha256, 'hex') = x.h OR
				       encode(k.overview_sha256, 'hex') = x.h))
			ON CONFLICT DO NOTHING;
			DELETE FROM anpr.records r USING anpr.record_index i
			WHERE r.capture_day = d AND i.capture_day = d AND r.record_id = i.record_id
			  AND i.vrm IS NOT NULL
			  AND NOT (may_hold AND anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_));
			DELETE FROM anpr.record_index i WHERE i.capture_day = d AND i.vrm IS NOT NULL
			  AND NOT (may_hold AND anpr.held(i.vrm_key, i.camera_id, i.time_utc, now_));
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
	-- the kept hashes whose span has no read left (its last purged now
	-- or before: a hold released, a day after it gone whole), or
	-- whose checkpoint is gone: no disclosure can use them. Every run, so
	-- that the table holds only what a held read needs; it is small (the
	-- spans of held reads), one probe per row.
	DELETE FROM anpr.retention_leaves l
	WHERE NOT EXISTS (SELECT 1 FROM (SELECT c.first_seq, c.last_seq FROM anpr.checkpoints c
			WHERE c.chain_id = l.chain_id AND c.first_seq <= l.chain_seq
			ORDER BY c.first_seq DESC LIMIT 1) k
		WHERE k.last_seq >= l.chain_seq
		  AND EXISTS (SELECT 1 FROM anpr.record_index s WHERE s.chain_id = l.chain_id
			AND s.chain_seq BETWEEN k.first_seq AND k.last_seq AND s.vrm IS NOT NULL));
END
$$;

-- The export under the policy, as 0012's, with a span's leaves filled:
-- each position of the covering (verified) checkpoint's span is the
-- record's hash if the store holds it, else the hash the purge kept for
-- it; the span counts as whole, and the read as provable, when every
-- position has one. (CREATE OR REPLACE: anpr.export_reads, which calls
-- this, and the grants stay as 0012 made them.)
CREATE OR REPLACE FUNCTION anpr.export_reads_at(now_ timestamptz, vrm_ text, vrm_key_ text,
				     t_from timestamptz, t_to timestamptz, camera_ text,
				     purpose_ text, case_ref_ text, auth_id bigint,
				     with_span boolean)
RETURNS TABLE (record_id text, selected boolean, camera_id text, chain_id text,
	       chain_seq bigint, type text, capture_day date, time_utc timestamptz,
	       sha256 bytea, rec bytea, sig bytea, newsig bytea,
	       plate_sha256 bytea, overview_sha256 bytea,
	       cp_seq bigint, cp_first bigint, cp_last bigint, cp_rec bytea, cp_sig bytea,
	       leaves bytea[], tier int,
	       withheld_reason text, withheld_count int, needs text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
AS $$
DECLARE
	question jsonb := jsonb_build_object('vrm', vrm_, 'vrm_key', vrm_key_,
		'from', t_from, 'to', t_to, 'camera', camera_,
		'with_span', coalesce(with_span, false));
	refusal text := anpr.policy_refusal(vrm_, vrm_key_, camera_, purpose_, case_ref_,
					    auth_id);
	found anpr.policy_match[];
	n_ok int;
BEGIN
	IF refusal IS NOT NULL THEN
		PERFORM audit.append('refused', purpose_, case_ref_, auth_id, question, 0,
				     jsonb_build_object('refused', refusal, 'asked', 'export'));
		RETURN QUERY SELECT NULL::text, NULL::boolean, NULL::text, NULL::text,
			NULL::bigint, NULL::text, NULL::date, NULL::timestamptz, NULL::bytea,
			NULL::bytea, NULL::bytea, NULL::bytea, NULL::bytea, NULL::bytea,
			NULL::bigint, NULL::bigint, NULL::bigint, NULL::bytea, NULL::bytea,
			NULL::bytea[], NULL::int, 'refused'::text, 0, refusal;
		RETURN;
	END IF;
	SELECT coalesce(array_agg(m), '{}') INTO found
	FROM anpr.policy_matches_at(now_, vrm_, vrm_key_, t_from, t_to, camera_, purpose_,
				    case_ref_, auth_id) m;
	SELECT count(*) INTO n_ok FROM unnest(found) f WHERE f.verdict = 'allowed';
	PERFORM audit.append('export', purpose_, case_ref_, auth_id, question, n_ok,
			     anpr.policy_withheld(found));
	RETURN QUERY
	WITH sel AS (
		SELECT f.*, k.record_id AS cp_id, k.first_seq, k.last_seq
		FROM unnest(found) f
		LEFT JOIN LATERAL (SELECT c.record_id, c.first_seq, c.last_seq
			FROM anpr.checkpoints c
			WHERE c.chain_id = f.chain_id AND c.verified_at IS NOT NULL
			  AND c.first_seq <= f.chain_seq AND c.last_seq >= f.chain_seq
			ORDER BY c.first_seq LIMIT 1) k ON true
		WHERE f.verdict = 'allowed'),
	-- each chain's span for the camera export's form
	spans AS (
		SELECT s.chain_id,
		       coalesce((SELECT max(i.chain_seq) FROM anpr.record_index i
				 WHERE i.chain_id = s.chain_id AND i.type = 'checkpoint'
				   AND i.chain_seq < min(s.chain_seq)),
				(SELECT min(i.chain_seq) FROM anpr.record_index i
				 WHERE i.chain_id = s.chain_id)) AS lo,
		       coalesce((SELECT min(i.chain_seq) FROM anpr.record_index i
				 WHERE i.chain_id = s.chain_id AND i.type = 'checkpoint'
				   AND i.chain_seq >= max(s.chain_seq)),
				(SELECT max(i.chain_seq) FROM anpr.record_index i
				 WHERE i.chain_id = s.chain_id)) AS hi
		FROM sel s WHERE with_span GROUP BY s.chain_id),
	ctx AS (
		SELECT i.record_id, i.capture_day FROM spans p
		JOIN anpr.record_index i ON i.chain_id = p.chain_id
		 AND i.chain_seq BETWEEN p.lo AND p.hi
		WHERE NOT EXISTS (SELECT 1 FROM sel s WHERE s.record_id = i.record_id))
	SELECT r.record_id, true, r.camera_id, r.chain_id, r.chain_seq, r.type,
	       r.capture_day, r.time_utc, r.sha256, r.rec, r.sig, r.newsig,
	       r.plate_sha256, r.overview_sha256,
	       ki.chain_seq, s.first_seq, s.last_seq, kr.rec, kr.sig,
	       (SELECT CASE WHEN count(*) = s.last_seq - s.first_seq + 1
			    THEN array_agg(l.sha256 ORDER BY l.chain_seq) END
		FROM (SELECT h.chain_seq, h.sha256 FROM anpr.record_index h
		      WHERE h.chain_id = s.chain_id
			AND h.chain_seq BETWEEN s.first_seq AND s.last_seq
		      UNION ALL
		      SELECT h.chain_seq, h.sha256 FROM anpr.retention_leaves h
		      WHERE h.chain_id = s.chain_id
			AND h.chain_seq BETWEEN s.first_seq AND s.last_seq
			AND NOT EXISTS (SELECT 1 FROM anpr.record_index x
					WHERE x.chain_id = h.chain_id
					  AND x.chain_seq = h.chain_seq)) l),
	       s.tier, NULL::text, NULL::int, NULL::text
	FROM sel s
	JOIN anpr.records r ON r.capture_day = s.capture_day AND r.record_id = s.record_id
	LEFT JOIN anpr.record_index ki ON ki.record_id = s.cp_id
	LEFT JOIN anpr.records kr ON kr.capture_day = ki.capture_day AND kr.record_id = ki.record_id
	UNION ALL
	SELECT r.record_id, false, r.camera_id, r.chain_id, r.chain_seq, r.type,
	       r.capture_day, r.time_utc, r.sha256, r.rec, r.sig, r.newsig,
	       r.plate_sha256, r.overview_sha256, NULL::bigint, NULL::bigint, NULL::bigint,
	       NULL::bytea, NULL::bytea, NULL::bytea[], NULL::int, NULL::text, NULL::int,
	       NULL::text
	FROM ctx c JOIN anpr.records r ON r.capture_day = c.capture_day
	 AND r.record_id = c.record_id
	ORDER BY 4, 5;
	RETURN QUERY
	SELECT NULL::text, NULL::boolean, NULL::text, NULL::text, NULL::bigint, NULL::text,
	       NULL::date, NULL::timestamptz, NULL::bytea, NULL::bytea, NULL::bytea,
	       NULL::bytea, NULL::bytea, NULL::bytea, NULL::bigint, NULL::bigint,
	       NULL::bigint, NULL::bytea, NULL::bytea, NULL::bytea[], min(f.tier),
	       f.verdict, count(*)::int,
	       CASE WHEN f.verdict = 'due-for-deletion' THEN 'nothing: due for deletion'
		    ELSE (SELECT t.needs FROM anpr.policy_tiers t WHERE t.tier = min(f.tier)) END
	FROM unnest(found) f WHERE f.verdict <> 'allowed'
	GROUP BY f.verdict ORDER BY f.verdict;
END
$$;
