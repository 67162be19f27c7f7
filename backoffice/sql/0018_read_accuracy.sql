-- 0018: read accuracy per camera (issue 23, item 5; docs/console.md,
-- "Built: read accuracy"). Each day, a sample of each camera's reads is
-- drawn, the same reads whoever draws it: the per_camera_day reads of that
-- camera and capture day whose record ids have the lowest SHA-256, so that
-- nobody chooses which reads are checked (no easy ones) and anyone can
-- draw the same sample again from the record ids. A reviewer (group
-- anpr_reviewer) looks at each sampled read's plate patch and overview
-- (through anpr.accuracy_image: the control room's image policy, audited)
-- and gives a verdict: confirmed, corrected to another mark, not a plate,
-- cannot tell; each verdict is audited. anpr.camera_accuracy gives each
-- camera its measured accuracy over a window with its Wilson 95 % interval,
-- and beside it the operators' "misread" marks on hits (0015): those are a
-- biased sample (only reads that matched a list, look-alike matches among
-- them), so they are counted apart, never pooled with the sample.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anpr_reviewer') THEN
		CREATE ROLE anpr_reviewer NOLOGIN;
	END IF;
END
$$;

ALTER TABLE audit.entries DROP CONSTRAINT entries_action_check;
ALTER TABLE audit.entries ADD CONSTRAINT entries_action_check
	CHECK (action IN ('search', 'export', 'refused', 'authorise',
			  'revoke-authorisation', 'hold', 'release-hold', 'purge',
			  'hit-action', 'hit-image', 'review-image', 'review-verdict'));

-- One row: how many reads a camera a day are sampled, the window the
-- figures are over, and the lower bound under which a camera needs
-- attention. Changed by the owner (UPDATE), read by everyone who reviews.
CREATE TABLE anpr.accuracy_settings (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	per_camera_day integer NOT NULL DEFAULT 20 CHECK (per_camera_day BETWEEN 1 AND 1000),
	window_days integer NOT NULL DEFAULT 28 CHECK (window_days BETWEEN 1 AND 90),
	attention_below double precision NOT NULL DEFAULT 0.90
		CHECK (attention_below >= 0 AND attention_below <= 1)
);
INSERT INTO anpr.accuracy_settings DEFAULT VALUES;

-- The days whose sample is drawn: once each, by whom, when.
CREATE TABLE anpr.accuracy_days (
	day date PRIMARY KEY,
	drawn_at timestamptz NOT NULL DEFAULT now(),
	drawn_by text NOT NULL,
	per_camera integer NOT NULL,
	reads integer NOT NULL DEFAULT 0
);

-- The sampled reads: rank 1 is the read of that camera and day whose
-- record id has the lowest SHA-256. No foreign key to the records: the
-- purge drops whole days, and a sample keeps its counts (its verdicts)
-- after the read itself is gone. No mark kept here: the read's own row
-- says it while it is held.
CREATE TABLE anpr.accuracy_sample (
	id bigserial PRIMARY KEY,
	day date NOT NULL REFERENCES anpr.accuracy_days,
	camera_id text NOT NULL,
	record_id text NOT NULL UNIQUE,
	rank integer NOT NULL CHECK (rank >= 1),
	UNIQUE (day, camera_id, rank)
);

-- A reviewer's verdict on a sampled read: one each, appended by
-- anpr.accuracy_verdict with its audit entry.
CREATE TABLE anpr.accuracy_verdicts (
	sample_id bigint PRIMARY KEY REFERENCES anpr.accuracy_sample,
	verdict text NOT NULL CHECK (verdict IN ('confirmed', 'corrected', 'not-a-plate',
						 'cannot-tell')),
	corrected_vrm text CHECK ((verdict = 'corrected') = (corrected_vrm IS NOT NULL) AND
				  (corrected_vrm IS NULL OR corrected_vrm ~ '^[A-Z0-9]{1,10}$')),
	note text NOT NULL CHECK (length(note) <= 1000),
	who text NOT NULL,
	at timestamptz NOT NULL,
	audit_seq bigint NOT NULL
);

-- The Wilson score interval of k successes in n trials (z: 1.96 for
-- 95 %), in [0, 1]; NULLs for n = 0. Pure: tested on its own with
-- known values (tests/backoffice/accuracy.sh).
CREATE FUNCTION anpr.wilson_interval(k bigint, n bigint,
				     z double precision DEFAULT 1.959963984540054,
				     OUT lower double precision, OUT upper double precision)
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p double precision;
	d double precision;
	c double precision;
	h double precision;
BEGIN
	IF k IS NULL OR n IS NULL OR z IS NULL OR k < 0 OR n < 0 OR k > n OR z <= 0 THEN
		RAISE EXCEPTION 'wilson_interval: 0 <= k <= n and z > 0'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF n = 0 THEN
		RETURN;
	END IF;
	p := k::double precision / n;
	d := 1 + z * z / n;
	c := (p + z * z / (2 * n)) / d;
	h := z * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;
	-- the bounds at 0 and n are 0 and 1 exactly (not 1 - 1e-16)
	lower := CASE WHEN k = 0 THEN 0.0 ELSE greatest(0.0, c - h) END;
	upper := CASE WHEN k = n THEN 1.0 ELSE least(1.0, c + h) END;
END
$$;

-- The sample of day_ (UTC capture day), drawn now if it was not: for each
-- camera, the per_camera_day reads (a mark read: vrm not NULL; its
-- signature verified) of that day
-- whose record ids have the lowest SHA-256. Returns the reads drawn now (0:
-- drawn before). A day not begun is refused; a day not ended may be drawn
-- (anpr-db accuracy draw DAY), and then holds only the reads received by
-- then: the reviewers' queue draws only days that have ended.
CREATE FUNCTION anpr.accuracy_draw(day_ date) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	per integer;
	n integer;
BEGIN
	IF day_ IS NULL OR day_ > (now() AT TIME ZONE 'UTC')::date
	   OR day_ < date '1970-01-01' THEN
		RAISE EXCEPTION 'accuracy_draw: a day that has begun (UTC)'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- one drawer of a day at a time: a second waits, then finds it drawn
	PERFORM pg_advisory_xact_lock(1095782490, day_ - date '1970-01-01');
	IF EXISTS (SELECT 1 FROM anpr.accuracy_days d WHERE d.day = day_) THEN
		RETURN 0;
	END IF;
	SELECT s.per_camera_day INTO per FROM anpr.accuracy_settings s;
	INSERT INTO anpr.accuracy_days (day, drawn_by, per_camera) VALUES (day_, session_user, per);
	-- the day's partition only (capture_day is the partition key)
	INSERT INTO anpr.accuracy_sample (day, camera_id, record_id, rank)
	SELECT day_, x.camera_id, x.record_id, x.rn
	FROM (SELECT r.camera_id, r.record_id,
		     row_number() OVER (PARTITION BY r.camera_id
					ORDER BY sha256(convert_to(r.record_id, 'UTF8'))) AS rn
	      FROM anpr.records r
	      -- a read whose signature did not verify is not known to be the
	      -- camera's: not sampled
	      WHERE r.capture_day = day_ AND r.vrm IS NOT NULL AND r.sig_ok) x
	WHERE x.rn <= per;
	GET DIAGNOSTICS n = ROW_COUNT;
	UPDATE anpr.accuracy_days d SET reads = n WHERE d.day = day_;
	RETURN n;
END
$$;

-- Every day of the window that has ended and is not drawn yet, drawn.
CREATE FUNCTION anpr.accuracy_draw_due() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	today date := (now() AT TIME ZONE 'UTC')::date;
	w integer;
	n integer := 0;
BEGIN
	SELECT s.window_days INTO w FROM anpr.accuracy_settings s;
	FOR i IN REVERSE w..1 LOOP
		IF NOT EXISTS (SELECT 1 FROM anpr.accuracy_days d WHERE d.day = today - i) THEN
			n := n + anpr.accuracy_draw(today - i);
		END IF;
	END LOOP;
	RETURN n;
END
$$;

-- May this person (session_user) be shown the images of a read of that
-- time: the control room's rule (0016's anpr.hit_image): in
-- anpr_hit_images, and the read in the tier the role-relevant purpose
-- allows (90 days).
CREATE FUNCTION anpr.accuracy_images_allowed(time_utc_ timestamptz) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_has_role(session_user, 'anpr_hit_images', 'MEMBER') AND time_utc_ IS NOT NULL
	       AND anpr.policy_decide('role-relevant', NULL, false, time_utc_, now()) = 'allowed'
$$;
REVOKE ALL ON FUNCTION anpr.accuracy_images_allowed(timestamptz) FROM PUBLIC;

-- The reviewer's queue: the sampled reads without a verdict (the days of
-- the window that have ended drawn first), the latest day first, at most
-- limit_ (1-100); only reads the control room's purpose allows (90 days).
-- The mark as read, the time, the camera (no site: anpr.camera_site), the
-- confidence, and whether this person may be shown the images.
CREATE FUNCTION anpr.accuracy_queue(limit_ integer DEFAULT 20)
RETURNS TABLE (id bigint, day date, camera_id text, record_id text, time_utc timestamptz,
	       vrm text, confidence real, images boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF limit_ IS NULL OR limit_ < 1 OR limit_ > 100 THEN
		RAISE EXCEPTION 'accuracy_queue: a limit of 1 to 100'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM anpr.accuracy_draw_due();
	RETURN QUERY
	SELECT s.id, s.day, s.camera_id, s.record_id, i.time_utc, i.vrm, i.confidence,
	       anpr.accuracy_images_allowed(i.time_utc)
	FROM anpr.accuracy_sample s
	JOIN anpr.record_index i ON i.record_id = s.record_id
	WHERE NOT EXISTS (SELECT 1 FROM anpr.accuracy_verdicts v WHERE v.sample_id = s.id)
	  AND i.time_utc >= now() - interval '90 days'
	ORDER BY s.day DESC, s.camera_id, s.rank
	LIMIT limit_;
END
$$;

-- One image of a sampled read (which_: 'plate' or 'overview') for the
-- person: as anpr.hit_image for a hit. Allowed: the image's capture day
-- and SHA-256, audited 'review-image'; refused (not in anpr_hit_images,
-- or past the tier): audited 'refused'; 'not-received' (the read is not
-- held, purged) or 'no-image': neither, nothing is shown.
CREATE FUNCTION anpr.accuracy_image(sample_ bigint, which_ text,
				    OUT allowed boolean, OUT why text, OUT capture_day date,
				    OUT sha256 bytea)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	s anpr.accuracy_sample;
	r record;
	q jsonb;
BEGIN
	allowed := false;
	IF which_ IS NULL OR which_ NOT IN ('plate', 'overview') THEN
		RAISE EXCEPTION 'accuracy_image: plate or overview'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO s FROM anpr.accuracy_sample x WHERE x.id = sample_;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no sampled read %', sample_ USING ERRCODE = 'no_data_found';
	END IF;
	SELECT rec.capture_day, rec.time_utc, rec.plate_sha256, rec.overview_sha256 INTO r
	FROM anpr.records rec
	WHERE rec.capture_day = s.day AND rec.record_id = s.record_id;
	IF NOT FOUND THEN
		why := 'not-received';
		RETURN;
	END IF;
	q := jsonb_build_object('sample', s.id, 'camera', s.camera_id, 'record', s.record_id,
				'image', which_);
	IF NOT pg_has_role(session_user, 'anpr_hit_images', 'MEMBER') THEN
		why := 'not in anpr_hit_images (may not see reads'' images)';
	ELSIF NOT anpr.accuracy_images_allowed(r.time_utc) THEN
		why := 'the read is past the control room''s tier ('
		       || anpr.policy_decide('role-relevant', NULL, false, r.time_utc, now()) || ')';
	END IF;
	IF why IS NOT NULL THEN
		PERFORM audit.append('refused', 'role-relevant', NULL, NULL,
				     q || jsonb_build_object('function', 'accuracy_image'), 0,
				     jsonb_build_object('reason', why));
		RETURN;
	END IF;
	sha256 := CASE which_ WHEN 'plate' THEN r.plate_sha256 ELSE r.overview_sha256 END;
	IF sha256 IS NULL THEN
		why := 'no-image';
		RETURN;
	END IF;
	PERFORM audit.append('review-image', 'role-relevant', NULL, NULL, q, 1, '{}');
	allowed := true;
	capture_day := r.capture_day;
END
$$;

-- A reviewer's verdict on a sampled read (the person is session_user):
-- confirmed (the mark read is the plate's), corrected (vrm_: the plate's
-- mark, letters and digits, spaces dropped, folded to capitals), not a
-- plate (the camera read something that is none), cannot tell (the images
-- do not show it: left out of the figures). A note of at most 1000
-- characters. Appended to anpr.accuracy_verdicts and to the audit chain
-- ('review-verdict') in one transaction. Raises no_data_found for no such
-- sampled read, unique_violation for a read already given its verdict,
-- invalid_parameter_value (saying what) for the rest. Returns the audit
-- entry's seq.
CREATE FUNCTION anpr.accuracy_verdict(sample_ bigint, verdict_ text, vrm_ text, note_ text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	s anpr.accuracy_sample;
	read_vrm text;
	v anpr.accuracy_verdicts;
	fixed text;
	seq_ bigint;
BEGIN
	SELECT * INTO s FROM anpr.accuracy_sample x WHERE x.id = sample_;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no sampled read %', sample_ USING ERRCODE = 'no_data_found';
	END IF;
	IF verdict_ IS NULL OR verdict_ NOT IN ('confirmed', 'corrected', 'not-a-plate',
						'cannot-tell') THEN
		RAISE EXCEPTION 'verdict: confirmed, corrected, not-a-plate or cannot-tell'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF length(coalesce(note_, '')) > 1000 THEN
		RAISE EXCEPTION 'note: at most 1000 characters'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF coalesce(note_, '') ~ '[[:cntrl:]]' THEN
		RAISE EXCEPTION 'note: no control characters (line breaks, tabs, escapes)'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF verdict_ = 'corrected' THEN
		IF vrm_ IS NULL OR vrm_ = '' THEN
			RAISE EXCEPTION 'vrm: a corrected verdict gives the plate''s mark'
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		IF vrm_ ~ '[[:cntrl:]]' THEN
			RAISE EXCEPTION 'vrm: no control characters in a mark'
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		fixed := upper(replace(vrm_, ' ', ''));
		IF fixed !~ '^[A-Z0-9]{1,10}$' THEN
			RAISE EXCEPTION 'vrm: 1 to 10 letters (A-Z) and digits, spaces allowed'
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		SELECT i.vrm INTO read_vrm FROM anpr.record_index i WHERE i.record_id = s.record_id;
		IF fixed = read_vrm THEN
			RAISE EXCEPTION 'vrm: the mark read; confirm it instead'
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
	ELSIF vrm_ IS NOT NULL AND vrm_ <> '' THEN
		RAISE EXCEPTION 'vrm: only a corrected verdict gives a mark'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- one verdict a read: the second reviewer is told who gave it
	PERFORM pg_advisory_xact_lock(1095782491, 0);
	SELECT * INTO v FROM anpr.accuracy_verdicts x WHERE x.sample_id = s.id;
	IF FOUND THEN
		RAISE EXCEPTION 'sampled read % already has its verdict (% by % at %)', s.id,
			v.verdict, v.who, to_char(v.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI"Z"')
			USING ERRCODE = 'unique_violation';
	END IF;
	seq_ := audit.append('review-verdict', 'role-relevant', NULL, NULL,
		jsonb_build_object('sample', s.id, 'camera', s.camera_id, 'record', s.record_id,
				   'day', s.day, 'verdict', verdict_, 'vrm', fixed,
				   'note', coalesce(note_, '')), 0, '{}');
	INSERT INTO anpr.accuracy_verdicts (sample_id, verdict, corrected_vrm, note, who, at,
					    audit_seq)
	VALUES (s.id, verdict_, fixed, coalesce(note_, ''), session_user, now(), seq_);
	RETURN seq_;
END
$$;

-- Each camera's figures over the last days_ days (NULL: the settings'
-- window; 1-90), today included, by capture day of the sampled reads:
--   sampled, unreviewed; confirmed, corrected, not_a_plate, cannot_tell;
--   accuracy = confirmed / (confirmed + corrected + not_a_plate), with its
--   Wilson 95 % interval (cannot-tell left out: no verdict on the read);
--   hits_acted: the camera's hits (by alert time) an operator acted on,
--   misread: those whose last action is "misread", with the interval of
--   that share. A biased sample (reads that matched a list): apart.
--   attention: why the camera needs attention, or NULL: no verdict in
--   the window, or the accuracy's lower bound below the settings' level.
-- The active cameras and any camera with figures in the window; no site.
CREATE FUNCTION anpr.camera_accuracy(days_ integer DEFAULT NULL)
RETURNS TABLE (camera_id text, sampled bigint, unreviewed bigint, confirmed bigint,
	       corrected bigint, not_a_plate bigint, cannot_tell bigint,
	       accuracy double precision, lower double precision, upper double precision,
	       hits_acted bigint, misread bigint, misread_lower double precision,
	       misread_upper double precision, attention text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	set_ anpr.accuracy_settings;
	w integer;
	since date;
BEGIN
	SELECT * INTO set_ FROM anpr.accuracy_settings;
	w := coalesce(days_, set_.window_days);
	IF w < 1 OR w > 90 THEN
		RAISE EXCEPTION 'camera_accuracy: a window of 1 to 90 days'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	since := (now() AT TIME ZONE 'UTC')::date - (w - 1);
	RETURN QUERY
	WITH s AS (
		SELECT x.camera_id, count(*) AS sampled,
		       count(*) FILTER (WHERE v.verdict IS NULL) AS unreviewed,
		       count(*) FILTER (WHERE v.verdict = 'confirmed') AS confirmed,
		       count(*) FILTER (WHERE v.verdict = 'corrected') AS corrected,
		       count(*) FILTER (WHERE v.verdict = 'not-a-plate') AS not_a_plate,
		       count(*) FILTER (WHERE v.verdict = 'cannot-tell') AS cannot_tell
		FROM anpr.accuracy_sample x
		LEFT JOIN anpr.accuracy_verdicts v ON v.sample_id = x.id
		WHERE x.day >= since
		GROUP BY x.camera_id
	), h AS (
		SELECT a.camera_id, count(*) AS acted,
		       count(*) FILTER (WHERE l.action = 'misread') AS misread
		FROM anpr.alerts a
		CROSS JOIN LATERAL (SELECT y.action FROM anpr.hit_actions y
				    WHERE y.alert_id = a.id ORDER BY y.id DESC LIMIT 1) l
		WHERE a.kind IN ('hit', 'hit-record', 'hit-searchback')
		  AND a.alert_time >= since::timestamp AT TIME ZONE 'UTC'
		GROUP BY a.camera_id
	), cams AS (
		SELECT c.camera_id FROM anpr.cameras c WHERE c.retired_at IS NULL
		UNION SELECT s.camera_id FROM s
		UNION SELECT h.camera_id FROM h
	)
	SELECT c.camera_id, coalesce(s.sampled, 0), coalesce(s.unreviewed, 0),
	       coalesce(s.confirmed, 0), coalesce(s.corrected, 0),
	       coalesce(s.not_a_plate, 0), coalesce(s.cannot_tell, 0),
	       CASE WHEN m.n > 0 THEN s.confirmed::double precision / m.n END,
	       wi.lower, wi.upper,
	       coalesce(h.acted, 0), coalesce(h.misread, 0), wm.lower, wm.upper,
	       CASE WHEN m.n = 0 THEN 'no verdicts in the last ' || w || ' days'
		    WHEN wi.lower < set_.attention_below THEN
			'lower bound ' || to_char(100 * wi.lower, 'FM990.0') || ' % is below ' ||
			to_char(100 * set_.attention_below, 'FM990.0') || ' %'
	       END
	FROM cams c
	LEFT JOIN s ON s.camera_id = c.camera_id
	LEFT JOIN h ON h.camera_id = c.camera_id
	CROSS JOIN LATERAL (SELECT coalesce(s.confirmed + s.corrected + s.not_a_plate, 0) AS n) m
	CROSS JOIN LATERAL anpr.wilson_interval(coalesce(s.confirmed, 0), m.n) wi
	CROSS JOIN LATERAL anpr.wilson_interval(coalesce(h.misread, 0), coalesce(h.acted, 0)) wm
	ORDER BY c.camera_id;
END
$$;

REVOKE ALL ON FUNCTION anpr.accuracy_draw(date), anpr.accuracy_draw_due(),
	anpr.accuracy_queue(integer), anpr.accuracy_image(bigint, text),
	anpr.accuracy_verdict(bigint, text, text, text), anpr.camera_accuracy(integer)
	FROM PUBLIC;
GRANT USAGE ON SCHEMA anpr TO anpr_reviewer;
GRANT SELECT ON anpr.accuracy_settings TO anpr_reviewer;
GRANT EXECUTE ON FUNCTION anpr.accuracy_queue(integer), anpr.accuracy_image(bigint, text),
	anpr.accuracy_verdict(bigint, text, text, text), anpr.camera_accuracy(integer),
	anpr.camera_site(text) TO anpr_reviewer;
