-- 0020: both reads' images of a cloned-plate flag in the control room
-- (issue 23 item 4: "with both reads' images"; docs/console.md "Cloned
-- plates"). Two vehicles with one mark are told apart by what the images
-- show (the make, the colour, the plate's own look), so the operator
-- sees each read's plate patch and overview beside the flag, through
-- the same policy and audit as a hit's images (0016): the person must be
-- in anpr_hit_images, the read within the control room's tier
-- (role-relevant, 90 days); every image shown is an audit entry
-- ('hit-image', naming the flag and the read), every refusal too
-- ('refused').

-- One image of one of a flag's reads for the person (session_user).
-- read_: 'earlier' or 'later'; which_: 'plate' or 'overview'. allowed
-- (with the image's capture day and SHA-256), or why not: as
-- anpr.hit_image ('no-image' and a flag that is not there are not
-- audited: nothing is disclosed).
CREATE FUNCTION anpr.clone_image(clone_ bigint, read_ text, which_ text,
				 OUT allowed boolean, OUT why text, OUT capture_day date,
				 OUT sha256 bytea)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	c anpr.cloned_plates;
	rid text;
	r record;
	q jsonb;
	verdict text;
BEGIN
	allowed := false;
	IF read_ IS NULL OR read_ NOT IN ('earlier', 'later') THEN
		RAISE EXCEPTION 'clone_image: earlier or later' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF which_ IS NULL OR which_ NOT IN ('plate', 'overview') THEN
		RAISE EXCEPTION 'clone_image: plate or overview' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO c FROM anpr.cloned_plates x WHERE x.id = clone_;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no cloned-plate flag %', clone_ USING ERRCODE = 'no_data_found';
	END IF;
	rid := CASE read_ WHEN 'earlier' THEN c.earlier_record ELSE c.later_record END;
	SELECT rec.capture_day, rec.time_utc, rec.camera_id, rec.plate_sha256, rec.overview_sha256
	INTO r
	FROM anpr.record_index i
	JOIN anpr.records rec ON rec.capture_day = i.capture_day AND rec.record_id = i.record_id
	WHERE i.record_id = rid;
	IF NOT FOUND THEN
		-- purged since (the purge removes the flags of purged reads
		-- after them): nothing to show, nothing disclosed
		why := 'no-image';
		RETURN;
	END IF;
	q := jsonb_build_object('clone', c.id, 'read', read_, 'camera', r.camera_id,
				'record', rid, 'image', which_, 'function', 'clone_image');
	IF NOT pg_has_role(session_user, 'anpr_hit_images', 'MEMBER') THEN
		why := 'not in anpr_hit_images (may not see hits'' images)';
	ELSE
		verdict := anpr.policy_decide('role-relevant', NULL, false, r.time_utc, now());
		IF verdict <> 'allowed' THEN
			why := 'the read is past the control room''s tier (' || verdict || ')';
		END IF;
	END IF;
	IF why IS NOT NULL THEN
		PERFORM audit.append('refused', 'role-relevant', NULL, NULL, q, 0,
				     jsonb_build_object('reason', why));
		RETURN;
	END IF;
	sha256 := CASE which_ WHEN 'plate' THEN r.plate_sha256 ELSE r.overview_sha256 END;
	IF sha256 IS NULL THEN
		why := 'no-image';
		RETURN;
	END IF;
	PERFORM audit.append('hit-image', 'role-relevant', NULL, NULL, q, 1, '{}');
	allowed := true;
	capture_day := r.capture_day;
END
$$;
REVOKE ALL ON FUNCTION anpr.clone_image(bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION anpr.clone_image(bigint, text, text) TO anpr_operator;

-- What an operator did about a flag, as about a hit (0015): appended
-- only, by anpr.clone_action, in the audit chain ('clone-action'), and
-- told to every operator's page: the flag is notified again on
-- anpr_clones and its event carries its latest action.
ALTER TABLE audit.entries DROP CONSTRAINT entries_action_check;
ALTER TABLE audit.entries ADD CONSTRAINT entries_action_check
	CHECK (action IN ('search', 'export', 'refused', 'authorise',
			  'revoke-authorisation', 'hold', 'release-hold', 'purge',
			  'hit-action', 'hit-image', 'review-image', 'review-verdict',
			  'clone-action'));

CREATE TABLE anpr.clone_actions (
	id bigserial PRIMARY KEY,
	-- no foreign key, as the flags' own reads (0017): the purge deletes
	-- the flags of purged reads, and their actions with them
	clone_id bigint NOT NULL,
	action text NOT NULL CHECK (action IN ('acknowledged', 'dispatched', 'misread',
					       'no-action')),
	note text NOT NULL CHECK (length(note) <= 1000),
	who text NOT NULL,
	at timestamptz NOT NULL,
	audit_seq bigint NOT NULL
);
CREATE INDEX clone_actions_clone ON anpr.clone_actions (clone_id, id);

-- Record the person's (session_user) action on flag clone_; its id.
-- no_data_found for no such flag, invalid_parameter_value for an action
-- or note that is not one.
CREATE FUNCTION anpr.clone_action(clone_ bigint, action_ text, note_ text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	c anpr.cloned_plates;
	seq_ bigint;
	id_ bigint;
BEGIN
	SELECT * INTO c FROM anpr.cloned_plates x WHERE x.id = clone_;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'clone_action: no cloned-plate flag %', clone_
			USING ERRCODE = 'no_data_found';
	END IF;
	IF action_ IS NULL OR action_ NOT IN ('acknowledged', 'dispatched', 'misread',
					      'no-action') THEN
		RAISE EXCEPTION 'clone_action: not an action (acknowledged, dispatched, misread, no-action)'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF length(coalesce(note_, '')) > 1000 THEN
		RAISE EXCEPTION 'clone_action: a note is at most 1000 characters'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	seq_ := audit.append('clone-action', NULL, NULL, NULL,
		jsonb_build_object('clone', c.id, 'vrm', c.vrm, 'earlier', c.earlier_record,
				   'later', c.later_record, 'action', action_,
				   'note', coalesce(note_, '')), 0, '{}');
	INSERT INTO anpr.clone_actions (clone_id, action, note, who, at, audit_seq)
	VALUES (c.id, action_, coalesce(note_, ''), session_user, now(), seq_)
	RETURNING id INTO id_;
	PERFORM pg_notify('anpr_clones', c.id::text);
	RETURN id_;
END
$$;
REVOKE ALL ON FUNCTION anpr.clone_action(bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION anpr.clone_action(bigint, text, text) TO anpr_operator;
GRANT SELECT ON anpr.clone_actions TO anpr_console;
