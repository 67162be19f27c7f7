-- 0017: cloned and impossible plates (issue 23, item 4; docs/backoffice.md,
-- "Cloned plates"). The back office sees every camera: the same mark read
-- at two places further apart than the time between the reads allows is
-- a plate on two vehicles (or a misread of one of them), flagged here as
-- its own kind of alert with both reads.
--
-- Where a read was: its own signed position line (docs/location.md):
-- `position=status=fixed-site lat=.. lon=..` for a fixed camera, or the
-- GPS fix of an in-vehicle camera at the capture (`gps-3d`, `gps-2d`); a
-- stale or missing fix says nothing of where the vehicle was, and such a
-- read is never compared.
--
-- Who runs it: anpr-ingest, after each group of records commits, for the
-- reads of the group (anpr_store_cloned_plates_check): the ids are exact,
-- so no watermark, no scan, and no index on the time of receipt. Each new
-- flag is notified on anpr_clones; anpr-console shows it as its own kind
-- of alert.

CREATE TABLE anpr.cloned_plates (
	id bigserial PRIMARY KEY,
	vrm text NOT NULL,
	-- the two reads, by capture time; no foreign key: the purge deletes
	-- reads by the million and a cascade would probe this table for
	-- each (anpr_store_purge deletes the flags of purged reads after it)
	earlier_record text NOT NULL,
	later_record text NOT NULL,
	distance_km double precision NOT NULL CHECK (distance_km >= 0),
	seconds double precision NOT NULL CHECK (seconds >= 0),
	-- the speed the two reads need, with the clock allowance added to the
	-- time between them (so never infinite)
	speed_kmh double precision NOT NULL CHECK (speed_kmh >= 0),
	detected_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (earlier_record, later_record)
);
CREATE INDEX cloned_plates_later ON anpr.cloned_plates (later_record);
CREATE INDEX cloned_plates_detected ON anpr.cloned_plates (detected_at);

-- The position a signed record states, or NULLs. Pure: tested on its own.
CREATE FUNCTION anpr.position_of(rec bytea, OUT lat double precision,
				 OUT lon double precision)
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT m[1]::double precision, m[2]::double precision
	FROM (SELECT regexp_match(convert_from(rec, 'UTF8'),
		'\nposition=status=(?:fixed-site|gps-3d|gps-2d) lat=(-?[0-9]{1,3}\.[0-9]+) lon=(-?[0-9]{1,3}\.[0-9]+)(?: |\n|$)') AS m) x
$$;

-- Great-circle distance in km (haversine, mean Earth radius).
CREATE FUNCTION anpr.distance_km(lat1 double precision, lon1 double precision,
				 lat2 double precision, lon2 double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT 2 * 6371.0088 * asin(least(1.0, sqrt(
		sin(radians(lat2 - lat1) / 2) ^ 2 +
		cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2)))
$$;

-- Compare the reads among ids (records just stored) with the reads of
-- the same mark captured within window_ of them by other cameras: the
-- nearest 16 before and the nearest 16 after each (the mark's index, in
-- time order), so a mark read all day long (a police car, a bus) costs a
-- bounded check, and the pair a clone makes is among the nearest in time
-- (for fixed cameras the distance is the same whichever read of the other
-- camera is taken, and the nearest in time needs the highest speed).
-- Flag a pair further apart than min_km whose distance over (the time
-- between them + slack_s) is above max_kmh. Reads below min_confidence
-- are left out (a misread of a common mark would flag honest vehicles).
-- Returns the flags made now (a pair flagged before is not flagged again).
--
-- The defaults: 5 km is beyond any error of a site's or a fix's position;
-- 250 km/h is above any road vehicle's sustained speed in the UK; 60 s of
-- slack covers two cameras' clocks each off by up to 30 s (a camera whose
-- clock is worse says so in its records: clock_maxerror_us).
CREATE FUNCTION anpr.check_cloned_plates(ids text[],
		min_km double precision DEFAULT 5,
		max_kmh double precision DEFAULT 250,
		slack_s double precision DEFAULT 60,
		window_ interval DEFAULT '6 hours',
		min_confidence real DEFAULT 0.8)
RETURNS SETOF anpr.cloned_plates
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, anpr AS $$
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
		(SELECT pg_notify('anpr_clones', m.id::text)) n
$$;
REVOKE ALL ON FUNCTION anpr.check_cloned_plates(text[], double precision,
	double precision, double precision, interval, real) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION anpr.check_cloned_plates(text[], double precision,
	double precision, double precision, interval, real) TO anpr_ingest;

-- The flags of the last since_ (at most 90 days: the role-relevant tier,
-- docs/access.md), newest first, for the control room: the mark, both
-- reads' ids, cameras and times, the distance and the speed they need.
-- Where the cameras were is not here: the console asks anpr.camera_site,
-- which answers only to anpr_location.
CREATE FUNCTION anpr.cloned_plates_recent(since_ interval DEFAULT '1 day')
RETURNS TABLE (id bigint, vrm text, earlier_record text, earlier_camera text,
	       earlier_time timestamptz, later_record text, later_camera text,
	       later_time timestamptz, distance_km double precision,
	       seconds double precision, speed_kmh double precision,
	       detected_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, anpr AS $$
	SELECT c.id, c.vrm, c.earlier_record, e.camera_id, e.time_utc,
	       c.later_record, l.camera_id, l.time_utc, c.distance_km, c.seconds,
	       c.speed_kmh, c.detected_at
	FROM anpr.cloned_plates c
	JOIN anpr.record_index e ON e.record_id = c.earlier_record
	JOIN anpr.record_index l ON l.record_id = c.later_record
	WHERE c.detected_at >= now() - least(since_, interval '90 days')
	  AND l.time_utc >= now() - interval '90 days'
	ORDER BY c.detected_at DESC, c.id DESC
$$;
REVOKE ALL ON FUNCTION anpr.cloned_plates_recent(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION anpr.cloned_plates_recent(interval) TO anpr_console, anpr_operator;
