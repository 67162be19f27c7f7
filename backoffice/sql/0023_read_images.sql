-- 0023: a searched read's images on the analysts' search page (issue 23
-- item 2, docs/console.md "Search"): the plate patch and the overview of
-- one read, asked with the search's purpose, case reference and
-- authorisation, and decided by the same policy as the search
-- (anpr.policy_refusal, then anpr.policy_matches_at asked for exactly
-- that read: its mark, its camera, its capture time). Each image shown
-- is an audit entry ('read-image': question record and image, purpose,
-- case, authorisation); each refused one an entry 'refused' with why. A
-- read past its tier, of a purpose the tier does not allow, or without
-- the authorisation the tier needs shows nothing, as its search row
-- would not have been shown.
ALTER TABLE audit.entries DROP CONSTRAINT entries_action_check;
ALTER TABLE audit.entries ADD CONSTRAINT entries_action_check
	CHECK (action IN ('search', 'export', 'refused', 'authorise',
			  'revoke-authorisation', 'hold', 'release-hold', 'purge',
			  'hit-action', 'hit-image', 'review-image', 'review-verdict',
			  'clone-action', 'read-image'));

-- allowed and (capture_day, sha256) of the image to serve, or why not:
-- 'no-image' (the record names none), or the policy's reason (audited)
CREATE FUNCTION anpr.read_image(record_id_ text, which_ text, purpose_ text,
				case_ref_ text, auth_id bigint,
				OUT allowed boolean, OUT why text, OUT capture_day date,
				OUT sha256 bytea)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
AS $$
DECLARE
	i anpr.record_index;
	m anpr.policy_match;
	q jsonb := jsonb_build_object('record', record_id_, 'image', which_);
BEGIN
	allowed := false;
	IF which_ IS NULL OR which_ NOT IN ('plate', 'overview') THEN
		RAISE EXCEPTION 'read_image: plate or overview' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO i FROM anpr.record_index x WHERE x.record_id = record_id_;
	IF NOT FOUND OR i.vrm IS NULL THEN
		-- the same answer whether it does not exist or is no read:
		-- nothing learned of what is stored
		why := 'no such read';
	ELSE
		why := anpr.policy_refusal(i.vrm, NULL, i.camera_id, purpose_, case_ref_, auth_id);
	END IF;
	IF why IS NULL THEN
		SELECT * INTO m FROM anpr.policy_matches_at(now(), i.vrm, NULL, i.time_utc,
							     i.time_utc, i.camera_id, purpose_,
							     case_ref_, auth_id) x
		WHERE x.record_id = record_id_;
		IF NOT FOUND THEN
			why := 'no such read';
		ELSIF m.verdict <> 'allowed' THEN
			why := m.verdict;
		END IF;
	END IF;
	IF why IS NOT NULL THEN
		PERFORM audit.append('refused', purpose_, case_ref_, auth_id,
				     q || jsonb_build_object('function', 'read_image'), 0,
				     jsonb_build_object('reason', why));
		RETURN;
	END IF;
	SELECT CASE which_ WHEN 'plate' THEN r.plate_sha256 ELSE r.overview_sha256 END
	INTO sha256
	FROM anpr.records r WHERE r.capture_day = i.capture_day AND r.record_id = record_id_;
	IF sha256 IS NULL THEN
		why := 'no-image';
		RETURN;
	END IF;
	PERFORM audit.append('read-image', purpose_, case_ref_, auth_id, q, 1, '{}');
	allowed := true;
	capture_day := i.capture_day;
END
$$;
REVOKE ALL ON FUNCTION anpr.read_image(text, text, text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION anpr.read_image(text, text, text, text, bigint) TO anpr_analyst;
