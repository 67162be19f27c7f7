-- 0022: anpr.check_cloned_plates, the same query in the order its
-- comment always meant: the index first. 0019's generic plan is made at
-- a session's first call, from the statistics of that moment; anpr-ingest
-- keeps its sessions, so a session opened on a young store (record_index
-- nearly empty) kept a plan that scanned record_index whole for the
-- group's reads and fetched each one's records row before looking for
-- another camera's read of its mark (auto_explain in
-- tests/ingest/bench-ingest: 8-20 ms a call, 6.4 ms on average, as much
-- of PostgreSQL's time as the group's own insert; the seq scan grows
-- with the store). Now the reads of the group (fresh, each by its key)
-- and their near reads (near) are each computed first (MATERIALIZED),
-- and the function plans without sequential scans (enable_seqscan off
-- for its own queries only: every access it makes has its index), so
-- the records' bytes are fetched only for the pairs found, whatever the
-- statistics were. What it does and returns is 0017's; its grants stay.
CREATE OR REPLACE FUNCTION anpr.check_cloned_plates(ids text[],
		min_km double precision DEFAULT 5,
		max_kmh double precision DEFAULT 250,
		slack_s double precision DEFAULT 60,
		window_ interval DEFAULT '6 hours',
		min_confidence real DEFAULT 0.8)
RETURNS SETOF anpr.cloned_plates
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, anpr
	SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
BEGIN
	RETURN QUERY
		-- the index first: a read whose mark no other camera read near it
		-- in time (nearly every read) costs two index probes, and the
		-- records' bytes are fetched and parsed only for the pairs found
		WITH fresh AS MATERIALIZED (
			SELECT i.record_id, i.vrm, i.time_utc, i.camera_id, i.capture_day
			FROM unnest(ids) AS u(id)
			-- by its key, one look-up a read (LIMIT 1: a subquery the
			-- planner keeps as a look-up; record_id is the key)
			CROSS JOIN LATERAL (SELECT * FROM anpr.record_index j
					    WHERE j.record_id = u.id LIMIT 1) i
			WHERE i.vrm IS NOT NULL AND i.confidence >= min_confidence
		), near AS MATERIALIZED (
			SELECT f.*, o.record_id AS o_id, o.time_utc AS o_time,
			       o.capture_day AS o_day
			FROM fresh f
			CROSS JOIN LATERAL (
				(SELECT o.record_id, o.time_utc, o.capture_day
				 FROM anpr.record_index o
				 WHERE o.vrm = f.vrm AND o.time_utc >= f.time_utc
				   AND o.time_utc <= f.time_utc + window_
				   AND o.camera_id <> f.camera_id
				   AND o.confidence >= min_confidence
				 ORDER BY o.time_utc LIMIT 16)
				UNION ALL
				(SELECT o.record_id, o.time_utc, o.capture_day
				 FROM anpr.record_index o
				 WHERE o.vrm = f.vrm AND o.time_utc < f.time_utc
				   AND o.time_utc >= f.time_utc - window_
				   AND o.camera_id <> f.camera_id
				   AND o.confidence >= min_confidence
				 ORDER BY o.time_utc DESC LIMIT 16)) o
		), pairs AS (
			SELECT n.vrm, n.record_id AS a, n.time_utc AS ta, n.o_id AS b,
			       n.o_time AS tb,
			       anpr.distance_km(p.lat, p.lon, q.lat, q.lon) AS km,
			       abs(extract(epoch FROM n.time_utc - n.o_time)) AS s
			FROM near n
			JOIN anpr.records r ON r.capture_day = n.capture_day AND r.record_id = n.record_id
			CROSS JOIN LATERAL anpr.position_of(r.rec) p
			JOIN anpr.records ro ON ro.capture_day = n.o_day AND ro.record_id = n.o_id
			CROSS JOIN LATERAL anpr.position_of(ro.rec) q
			WHERE p.lat IS NOT NULL AND q.lat IS NOT NULL
		)
		, made AS (
		INSERT INTO anpr.cloned_plates (vrm, earlier_record, later_record,
						distance_km, seconds, speed_kmh)
		SELECT DISTINCT ON (least(a, b), greatest(a, b)) vrm,
		       CASE WHEN ta < tb OR (ta = tb AND a < b) THEN a ELSE b END,
		       CASE WHEN ta < tb OR (ta = tb AND a < b) THEN b ELSE a END,
		       km, s, km / ((s + slack_s) / 3600.0)
		FROM pairs
		WHERE km >= min_km AND km / ((s + slack_s) / 3600.0) > max_kmh
		ORDER BY least(a, b), greatest(a, b)
		ON CONFLICT (earlier_record, later_record) DO NOTHING
		RETURNING *
		)
		-- each new flag to the control room (anpr-console LISTENs), at commit
		SELECT m.* FROM made m CROSS JOIN LATERAL
			(SELECT pg_notify('anpr_clones', m.id::text)) n;
END
$$;
