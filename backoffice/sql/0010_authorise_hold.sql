-- 0010: senior officers' authorisations and legal holds, made, revoked and
-- released only through these functions, each audited (docs/access.md,
-- "2. Who asks"); given to anpr_senior. Nobody else writes either table
-- (the owner aside, whose changes the audit chain does not cover).

-- An authorisation for a purpose that needs one (tier 3: major crime or
-- counter terrorism), for a case and/or marks (look-alike keys), in force
-- from valid_from until expires_at (at most a year). Returns its id.
CREATE FUNCTION anpr.authorise(officer_ text, purpose_ text, scope_vrm_keys_ text[],
			       scope_case_ text, valid_from_ timestamptz,
			       expires_at_ timestamptz, note_ text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id_ bigint;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM anpr.policy_tiers t
		       WHERE t.needs_authorisation AND purpose_ = ANY (t.purposes)) THEN
		RAISE EXCEPTION 'authorise: % is not a purpose an authorisation is for', purpose_
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF expires_at_ > valid_from_ + interval '1 year' THEN
		RAISE EXCEPTION 'authorise: at most a year in force'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO anpr.authorisations (officer, purpose, scope_vrm_keys, scope_case,
					 valid_from, expires_at, note)
	VALUES (officer_, purpose_, scope_vrm_keys_, scope_case_, valid_from_, expires_at_,
		note_)
	RETURNING id INTO id_;
	PERFORM audit.append('authorise', purpose_, scope_case_, id_,
		jsonb_build_object('officer', officer_, 'vrm_keys', scope_vrm_keys_,
				   'valid_from', valid_from_, 'expires_at', expires_at_,
				   'note', note_), 0, '{}');
	RETURN id_;
END
$$;

CREATE FUNCTION anpr.revoke_authorisation(id_ bigint, reason_ text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	UPDATE anpr.authorisations SET revoked_at = now()
	WHERE id = id_ AND revoked_at IS NULL;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'revoke: no authorisation % in force', id_
			USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM audit.append('revoke-authorisation', NULL, NULL, id_,
			     jsonb_build_object('reason', reason_), 0, '{}');
END
$$;

-- A legal hold for a named case: what it covers is not purged until it
-- expires or is released. Returns its id.
CREATE FUNCTION anpr.hold(case_ref_ text, vrm_keys_ text[], camera_ids_ text[],
			  t_from_ timestamptz, t_to_ timestamptz, expires_at_ timestamptz)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id_ bigint;
BEGIN
	INSERT INTO anpr.legal_holds (case_ref, vrm_keys, camera_ids, t_from, t_to, expires_at)
	VALUES (case_ref_, vrm_keys_, camera_ids_, t_from_, t_to_, expires_at_)
	RETURNING id INTO id_;
	PERFORM audit.append('hold', NULL, case_ref_, NULL,
		jsonb_build_object('hold', id_, 'vrm_keys', vrm_keys_, 'cameras', camera_ids_,
				   'from', t_from_, 'to', t_to_, 'expires_at', expires_at_),
		0, '{}');
	RETURN id_;
END
$$;

CREATE FUNCTION anpr.release_hold(id_ bigint, reason_ text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	case_ text;
BEGIN
	UPDATE anpr.legal_holds SET released_at = now()
	WHERE id = id_ AND released_at IS NULL RETURNING case_ref INTO case_;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'release: no hold % in force', id_ USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM audit.append('release-hold', NULL, case_, NULL,
			     jsonb_build_object('hold', id_, 'reason', reason_), 0, '{}');
END
$$;

REVOKE ALL ON FUNCTION anpr.authorise(text, text, text[], text, timestamptz, timestamptz, text),
	anpr.revoke_authorisation(bigint, text),
	anpr.hold(text, text[], text[], timestamptz, timestamptz, timestamptz),
	anpr.release_hold(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION anpr.authorise(text, text, text[], text, timestamptz, timestamptz, text),
	anpr.revoke_authorisation(bigint, text),
	anpr.hold(text, text[], text[], timestamptz, timestamptz, timestamptz),
	anpr.release_hold(bigint, text) TO anpr_senior;
