-- 0019: anpr.check_cloned_plates in PL/pgSQL, the same query. As a SQL
-- function (0017: SECURITY DEFINER with SET, so never inlined) its body
-- was planned again at every call, over the day-partitioned anpr.records;
-- anpr-ingest calls it after every group it commits. In
-- tests/ingest/bench-ingest it took more of PostgreSQL's time than the
-- group's own insert (pg_stat_statements: 4.5 ms a call, 345 calls, 1.57 s
-- of PostgreSQL's 6.4 s). PL/pgSQL keeps one generic plan for the session
-- (plan_cache_mode: partitions pruned at run time, not planned for at
-- each call): the same calls on the same store, interleaved in one session
-- (100 groups of 47 reads, three rounds), 2.6-3.3 ms a call before,
-- 0.34-0.63 ms after. What it does and returns is 0017's; its grants stay.
CREATE OR REPLACE FUNCTION anpr.check_cloned_plates(ids text[],
		min_km double precision DEFAULT 5,
		max_kmh double precision DEFAULT 250,
		slack_s double precision DEFAULT 60,
		window_ interval DEFAULT '6 hours',
		min_confidence real DEFAULT 0.8)
RETURNS SETOF anpr.cloned_plates
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, anpr
	SET plan_cache_mode = force_generic_plan AS $$
BEGIN
	RETURN QUERY
		-- the index first: a read whose mark no other camera read near it
		-- in time (nearly every read) costs two index probes, and the
		-- records' bytes are fetched and parsed only for the pairs found
		WITH fresh AS (
			SELECT i.record_id, i.vrm, i.time_utc, i.camera_id, i.capture_day
			FROM unnest(ids) AS u(id)
			JOIN anpr.record_index i ON i.record_id = u.id
			WHERE i.vrm IS NOT NULL AND i.confidence >= min_confidence
		), near AS (
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
