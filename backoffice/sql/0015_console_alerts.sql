-- 0015: the control room's alerts and the operators' actions on them
-- (issue 23, docs/console.md). anpr-console stores each anpr-alert/2 line
-- a camera POSTs (known by its client certificate) through
-- anpr.alert_put, which notifies anpr_alerts in the same transaction;
-- operators act on a hit through anpr.hit_action, which appends to
-- anpr.hit_actions and to the audit chain; a camera's site reaches the
-- page only through anpr.camera_site, NULL unless the caller is in
-- anpr_location.
--
-- Roles: anpr_console is what anpr-console connects as for the cameras'
-- side and the fan-out (the register without locations, the alerts);
-- anpr_operator is the group of the people who may log in to the console
-- and act on hits (the console asks the database as the person).
DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['anpr_console', 'anpr_operator'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
END
$$;

-- One row per alert line received. anprd's line names no run, and its
-- seq starts again at each run; a webhook retry sends the same bytes, so
-- (camera, seq, the line's SHA-256) stands for (camera, run, seq): the
-- same seq from another run has another time, hence another line.
CREATE TABLE anpr.alerts (
	id bigserial PRIMARY KEY,
	camera_id text NOT NULL REFERENCES anpr.cameras,
	seq bigint NOT NULL CHECK (seq >= 0),
	kind text NOT NULL CHECK (kind IN ('hit', 'hit-record', 'hit-searchback',
					   'health', 'info')),
	alert_time timestamptz NOT NULL,
	received_at timestamptz NOT NULL DEFAULT now(),
	line text NOT NULL CHECK (octet_length(line) BETWEEN 2 AND 8192),
	line_sha256 bytea NOT NULL CHECK (length(line_sha256) = 32),
	UNIQUE (camera_id, seq, line_sha256)
);
CREATE INDEX alerts_received ON anpr.alerts (received_at);

-- What an operator did about a hit; appended only, by anpr.hit_action.
CREATE TABLE anpr.hit_actions (
	id bigserial PRIMARY KEY,
	alert_id bigint NOT NULL REFERENCES anpr.alerts,
	action text NOT NULL CHECK (action IN ('acknowledged', 'dispatched',
					       'misread', 'no-action')),
	note text NOT NULL CHECK (length(note) <= 1000),
	who text NOT NULL,
	at timestamptz NOT NULL,
	audit_seq bigint NOT NULL
);
CREATE INDEX hit_actions_alert ON anpr.hit_actions (alert_id);

ALTER TABLE audit.entries DROP CONSTRAINT entries_action_check;
ALTER TABLE audit.entries ADD CONSTRAINT entries_action_check
	CHECK (action IN ('search', 'export', 'refused', 'authorise',
			  'revoke-authorisation', 'hold', 'release-hold', 'purge',
			  'hit-action'));

-- Store an alert line of camera_ (the certificate's camera, which
-- anpr-console checked the line names): (id, true) if stored now, (id,
-- false) if the same line was stored before (a retry). NOTIFY anpr_alerts
-- with the id, delivered at commit.
CREATE FUNCTION anpr.alert_put(camera_ text, seq_ bigint, kind_ text,
			       alert_time_ timestamptz, line_ text)
RETURNS TABLE (id bigint, created boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	h bytea := sha256(convert_to(line_, 'UTF8'));
	id_ bigint;
BEGIN
	INSERT INTO anpr.alerts (camera_id, seq, kind, alert_time, line, line_sha256)
	VALUES (camera_, seq_, kind_, alert_time_, line_, h)
	ON CONFLICT (camera_id, seq, line_sha256) DO NOTHING
	RETURNING anpr.alerts.id INTO id_;
	IF id_ IS NOT NULL THEN
		PERFORM pg_notify('anpr_alerts', id_::text);
		RETURN QUERY SELECT id_, true;
		RETURN;
	END IF;
	RETURN QUERY SELECT a.id, false FROM anpr.alerts a
		WHERE a.camera_id = camera_ AND a.seq = seq_ AND a.line_sha256 = h;
END
$$;

-- An operator's action on a hit (the person is session_user): appended to
-- anpr.hit_actions and to the audit chain in one transaction; NOTIFY
-- anpr_hit_actions with the action's id. Raises no_data_found for no such
-- alert, invalid_parameter_value for an alert that is no hit, an action
-- not of the list or a note over 1000 characters. Returns the action's id.
CREATE FUNCTION anpr.hit_action(alert_ bigint, action_ text, note_ text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	a anpr.alerts;
	seq_ bigint;
	id_ bigint;
BEGIN
	SELECT * INTO a FROM anpr.alerts x WHERE x.id = alert_;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'hit_action: no alert %', alert_ USING ERRCODE = 'no_data_found';
	END IF;
	IF a.kind NOT IN ('hit', 'hit-record', 'hit-searchback') THEN
		RAISE EXCEPTION 'hit_action: alert % is a % alert, not a hit', alert_, a.kind
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF action_ IS NULL OR action_ NOT IN ('acknowledged', 'dispatched', 'misread',
					      'no-action') THEN
		RAISE EXCEPTION 'hit_action: not an action (acknowledged, dispatched, misread, no-action)'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF length(coalesce(note_, '')) > 1000 THEN
		RAISE EXCEPTION 'hit_action: a note is at most 1000 characters'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	seq_ := audit.append('hit-action', NULL, NULL, NULL,
		jsonb_build_object('alert', a.id, 'camera', a.camera_id, 'seq', a.seq,
				   'kind', a.kind, 'action', action_,
				   'note', coalesce(note_, '')), 0, '{}');
	INSERT INTO anpr.hit_actions (alert_id, action, note, who, at, audit_seq)
	VALUES (a.id, action_, coalesce(note_, ''), session_user, now(), seq_)
	RETURNING id INTO id_;
	PERFORM pg_notify('anpr_hit_actions', id_::text);
	RETURN id_;
END
$$;

-- The site of a camera for the caller: NULL unless the caller (the
-- person, session_user) is a member of anpr_location.
CREATE FUNCTION anpr.camera_site(camera_ text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c.site_id FROM anpr.cameras c
	WHERE c.camera_id = camera_ AND pg_has_role(session_user, 'anpr_location', 'MEMBER')
$$;

REVOKE ALL ON FUNCTION anpr.alert_put(text, bigint, text, timestamptz, text),
	anpr.hit_action(bigint, text, text), anpr.camera_site(text) FROM PUBLIC;
GRANT USAGE ON SCHEMA anpr TO anpr_console, anpr_operator;
GRANT EXECUTE ON FUNCTION anpr.alert_put(text, bigint, text, timestamptz, text) TO anpr_console;
GRANT EXECUTE ON FUNCTION anpr.hit_action(bigint, text, text),
	anpr.camera_site(text) TO anpr_operator;
-- the register as the certificate look-up reads it (anpr_store_cert_camera:
-- no location, no mark), the alerts and actions for the fan-out and the
-- replay
GRANT SELECT (camera_id, retired_at) ON anpr.cameras TO anpr_console;
GRANT SELECT ON anpr.camera_certs, anpr.camera_keys TO anpr_console;
GRANT SELECT (record_id, sha256, chain_id, chain_seq) ON anpr.record_index TO anpr_console;
GRANT SELECT ON anpr.alerts, anpr.hit_actions TO anpr_console;
