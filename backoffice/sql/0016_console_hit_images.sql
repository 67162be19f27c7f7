-- 0016: a hit's record and images in the control room (issue 23,
-- docs/console.md "Images and verification"). The page shows whether the
-- signed record behind a hit is held and verified (anpr.hit_record), and
-- its plate patch and overview, each asked through anpr.hit_image, which
-- applies the access policy and audits: the image is the evidence of where
-- a vehicle was, so every one shown is an audit entry ('hit-image'), and
-- every one refused too ('refused').
--
-- The policy for the control room: its purpose is the live list's, role
-- relevant, which 0006's tiers allow for reads in tier 1 (90 days) only;
-- and the person must be in anpr_hit_images. The images show the vehicle,
-- its occupants and its surroundings, more than the list entry and the
-- mark; a force may give the live list to staff (call takers, a
-- supervisor's wall screen) without the pictures. The images themselves
-- stay files (the image store, content-addressed); the database says
-- which file (capture day, SHA-256) the person may have, anpr-console
-- reads it and checks its bytes against that hash.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anpr_hit_images') THEN
		CREATE ROLE anpr_hit_images NOLOGIN;
	END IF;
END
$$;

ALTER TABLE audit.entries DROP CONSTRAINT entries_action_check;
ALTER TABLE audit.entries ADD CONSTRAINT entries_action_check
	CHECK (action IN ('search', 'export', 'refused', 'authorise',
			  'revoke-authorisation', 'hold', 'release-hold', 'purge',
			  'hit-action', 'hit-image'));

-- A live hit's follow-up is found by (camera, hit_seq); the text of
-- hit_seq, not a cast: an index expression must not fail on a row, and
-- the text of a JSON integer is its only form.
CREATE INDEX alerts_hit_seq ON anpr.alerts (camera_id, ((line::jsonb) ->> 'hit_seq'))
	WHERE kind = 'hit-record';

-- The hit alert a_ (a row of anpr.alerts): the record behind it and what
-- is known of it. record_id: the alert's own (hit-record, hit-searchback),
-- or, for a live hit, the one its follow-up names (the first hit-record of
-- that camera after it with hit_seq its seq and no hit of that seq in
-- between: anprd's seq starts again at each run, and its line names no
-- run, so a later run's hit of the same seq owns the follow-ups after
-- it). state:
--   pending      a live hit whose follow-up has not come yet
--   no-record    the follow-up says no record will be written
--   not-received named, not held by the back office yet (anpr-upload
--                sends hits first, within seconds)
--   verified     held, its signature checked and its chain link verified
--   unverified   held, its chain link not verified yet (a record before
--                it in the chain not received yet)
--   failed       held with a signature that did not verify
-- Not granted to anyone: anpr.hit_record and anpr.hit_image call it.
CREATE FUNCTION anpr.hit_record_of(a_ anpr.alerts,
				   OUT record_id text, OUT state text, OUT capture_day date,
				   OUT time_utc timestamptz, OUT plate_sha256 bytea,
				   OUT overview_sha256 bytea, OUT covered boolean)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	f anpr.alerts;
	r record;
BEGIN
	IF a_.kind = 'hit' THEN
		SELECT * INTO f FROM anpr.alerts x
		WHERE x.camera_id = a_.camera_id AND x.kind = 'hit-record'
		  AND (x.line::jsonb) ->> 'hit_seq' = a_.seq::text AND x.id > a_.id
		  -- not the follow-up of a later run's hit of the same seq
		  AND NOT EXISTS (SELECT 1 FROM anpr.alerts y
				  WHERE y.camera_id = a_.camera_id AND y.kind = 'hit'
				    AND y.seq = a_.seq AND y.id > a_.id AND y.id < x.id)
		ORDER BY x.id LIMIT 1;
		IF NOT FOUND THEN
			state := 'pending';
			RETURN;
		END IF;
		record_id := (f.line::jsonb) ->> 'record';
	ELSE
		record_id := (a_.line::jsonb) ->> 'record';
	END IF;
	IF record_id IS NULL THEN
		state := 'no-record';
		RETURN;
	END IF;
	SELECT rec.capture_day, rec.time_utc, rec.plate_sha256, rec.overview_sha256,
	       rec.sig_ok, rec.link, rec.covered
	INTO r
	FROM anpr.record_index i
	JOIN anpr.records rec ON rec.capture_day = i.capture_day AND rec.record_id = i.record_id
	WHERE i.record_id = hit_record_of.record_id AND i.camera_id = a_.camera_id;
	IF NOT FOUND THEN
		state := 'not-received';
		RETURN;
	END IF;
	capture_day := r.capture_day;
	time_utc := r.time_utc;
	plate_sha256 := r.plate_sha256;
	overview_sha256 := r.overview_sha256;
	covered := r.covered;
	state := CASE WHEN NOT r.sig_ok THEN 'failed'
		      WHEN r.link = 'verified' THEN 'verified'
		      ELSE 'unverified' END;
END
$$;
REVOKE ALL ON FUNCTION anpr.hit_record_of(anpr.alerts) FROM PUBLIC;

-- The hit alert of that id, or no_data_found / invalid_parameter_value
-- (as anpr.hit_action).
CREATE FUNCTION anpr.hit_alert(alert_ bigint) RETURNS anpr.alerts
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	a anpr.alerts;
BEGIN
	SELECT * INTO a FROM anpr.alerts x WHERE x.id = alert_;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no alert %', alert_ USING ERRCODE = 'no_data_found';
	END IF;
	IF a.kind NOT IN ('hit', 'hit-record', 'hit-searchback') THEN
		RAISE EXCEPTION 'alert % is a % alert, not a hit', alert_, a.kind
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN a;
END
$$;
REVOKE ALL ON FUNCTION anpr.hit_alert(bigint) FROM PUBLIC;

-- For the page: the record behind a hit and its state, and whether this
-- person may be shown its images (so that the page asks for none it would
-- be refused: a refusal is audited, asking is not). Discloses no more
-- than the alert the person already has: no image, no site, no mark.
CREATE FUNCTION anpr.hit_record(alert_ bigint,
				OUT record_id text, OUT state text, OUT covered boolean,
				OUT images boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	h record;
BEGIN
	SELECT * INTO h FROM anpr.hit_record_of(anpr.hit_alert(alert_));
	record_id := h.record_id;
	state := h.state;
	covered := h.covered;
	images := pg_has_role(session_user, 'anpr_hit_images', 'MEMBER') AND
		h.time_utc IS NOT NULL AND
		anpr.policy_decide('role-relevant', NULL, false, h.time_utc, now()) = 'allowed';
END
$$;

-- One image of a hit (which_: 'plate' or 'overview') for the person
-- (session_user): allowed (the image's capture day and SHA-256, audited
-- 'hit-image') or why not. Refused, audited 'refused': the person is not
-- in anpr_hit_images, or the read is past the control room's tier.
-- Neither audited (nothing is disclosed, the page's own "not yet"):
-- 'not-received' (no record held yet, or none will be), 'no-image' (the
-- record names no such image).
CREATE FUNCTION anpr.hit_image(alert_ bigint, which_ text,
			       OUT allowed boolean, OUT why text, OUT capture_day date,
			       OUT sha256 bytea)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	a anpr.alerts := anpr.hit_alert(alert_);
	h record;
	q jsonb;
	verdict text;
BEGIN
	allowed := false;
	IF which_ IS NULL OR which_ NOT IN ('plate', 'overview') THEN
		RAISE EXCEPTION 'hit_image: plate or overview' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO h FROM anpr.hit_record_of(a);
	IF h.capture_day IS NULL THEN
		why := 'not-received';
		RETURN;
	END IF;
	q := jsonb_build_object('alert', a.id, 'camera', a.camera_id, 'record', h.record_id,
				'image', which_);
	IF NOT pg_has_role(session_user, 'anpr_hit_images', 'MEMBER') THEN
		why := 'not in anpr_hit_images (may not see hits'' images)';
	ELSE
		verdict := anpr.policy_decide('role-relevant', NULL, false, h.time_utc, now());
		IF verdict <> 'allowed' THEN
			why := 'the read is past the control room''s tier (' || verdict || ')';
		END IF;
	END IF;
	IF why IS NOT NULL THEN
		PERFORM audit.append('refused', 'role-relevant', NULL, NULL,
				     q || jsonb_build_object('function', 'hit_image'), 0,
				     jsonb_build_object('reason', why));
		RETURN;
	END IF;
	sha256 := CASE which_ WHEN 'plate' THEN h.plate_sha256 ELSE h.overview_sha256 END;
	IF sha256 IS NULL THEN
		why := 'no-image';
		RETURN;
	END IF;
	PERFORM audit.append('hit-image', 'role-relevant', NULL, NULL, q, 1, '{}');
	allowed := true;
	capture_day := h.capture_day;
END
$$;

REVOKE ALL ON FUNCTION anpr.hit_record(bigint), anpr.hit_image(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION anpr.hit_record(bigint), anpr.hit_image(bigint, text)
	TO anpr_operator;
