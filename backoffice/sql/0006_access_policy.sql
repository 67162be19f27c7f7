-- 0006: the access policy in the database (docs/access.md, "1. The
-- policy" and "2. Who asks"): the tiers as one table, the same rows as
-- backoffice/policy/policy.c (tests/backoffice/test_policy.c compares
-- their decisions), the decision as a function, the senior officers'
-- authorisations, and the group roles of the people who ask. The search
-- functions that apply it, and the audit, come next; until then
-- anpr_reader keeps its table grants (0003).
DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['anpr_analyst', 'anpr_senior', 'anpr_location',
				 'anpr_auditor', 'anpr_exporter'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
END
$$;

CREATE TABLE anpr.purposes (
	purpose text PRIMARY KEY
);
INSERT INTO anpr.purposes VALUES ('role-relevant'), ('serious-crime'),
	('major-crime'), ('counter-terrorism');

-- A read is in the first tier (by number) whose bound it has not reached:
-- now < time_utc + max_age (PostgreSQL's calendar, TimeZone UTC: the
-- store's sessions run in UTC). Beyond the last: due for deletion.
CREATE TABLE anpr.policy_tiers (
	tier int PRIMARY KEY CHECK (tier >= 1),
	max_age interval NOT NULL,
	purposes text[] NOT NULL,
	needs_authorisation boolean NOT NULL,
	needs text NOT NULL		-- what a withheld read needs, in words
);
INSERT INTO anpr.policy_tiers VALUES
	(1, interval '90 days',
	 ARRAY['role-relevant', 'serious-crime', 'major-crime', 'counter-terrorism'],
	 false, 'a purpose relevant to the searcher''s role'),
	(2, interval '12 months',
	 ARRAY['serious-crime', 'major-crime', 'counter-terrorism'],
	 false, 'a serious crime, major crime or counter terrorism investigation'),
	(3, interval '24 months', ARRAY['major-crime', 'counter-terrorism'],
	 true, 'a senior officer''s authorisation for major crime or counter terrorism');

-- A named senior officer's authorisation (docs/access.md): for a purpose,
-- a scope of marks (their look-alike keys, vrm.c's fold) or a case, a
-- time in force. Made and revoked only through functions (issue 20's
-- next step), which audit it; nobody updates or deletes a row.
CREATE TABLE anpr.authorisations (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	granted_by text NOT NULL DEFAULT session_user,
	officer text NOT NULL CHECK (length(officer) BETWEEN 3 AND 128),
	purpose text NOT NULL REFERENCES anpr.purposes,
	scope_vrm_keys text[],
	scope_case text CHECK (length(scope_case) BETWEEN 3 AND 64),
	valid_from timestamptz NOT NULL,
	expires_at timestamptz NOT NULL,
	revoked_at timestamptz,
	note text,
	created_at timestamptz NOT NULL DEFAULT now(),
	CHECK (scope_vrm_keys IS NOT NULL OR scope_case IS NOT NULL),
	CHECK (expires_at > valid_from)
);

-- The tier of a read captured at t, seen at now (0: due for deletion). A
-- read from the future (a camera's clock ahead) is in the first tier.
CREATE FUNCTION anpr.policy_tier(t timestamptz, now_ timestamptz) RETURNS int
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC'
AS $$
	SELECT coalesce((SELECT min(tier) FROM anpr.policy_tiers
			 WHERE now_ < t + max_age), 0)
$$;

-- The decision of backoffice/policy/policy.c's policy_decide, by the same
-- names: allowed, wrong-purpose, needs-authorisation,
-- authorisation-not-in-force, authorisation-out-of-scope,
-- due-for-deletion. auth_id NULL: none; auth_covers: the authorisation's
-- scope covers this read (the caller's match of marks or case).
CREATE FUNCTION anpr.policy_decide(purpose_ text, auth_id bigint, auth_covers boolean,
				   t timestamptz, now_ timestamptz) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC'
AS $$
DECLARE
	k int := anpr.policy_tier(t, now_);
	p anpr.policy_tiers;
	a anpr.authorisations;
BEGIN
	IF k = 0 THEN
		RETURN 'due-for-deletion';
	END IF;
	SELECT * INTO p FROM anpr.policy_tiers WHERE tier = k;
	IF purpose_ IS NULL OR NOT (purpose_ = ANY (p.purposes)) THEN
		RETURN 'wrong-purpose';
	END IF;
	IF NOT p.needs_authorisation THEN
		RETURN 'allowed';
	END IF;
	SELECT * INTO a FROM anpr.authorisations WHERE id = auth_id;
	IF NOT FOUND OR a.purpose <> purpose_ THEN
		RETURN 'needs-authorisation';
	END IF;
	IF now_ < a.valid_from OR now_ >= a.expires_at OR
	   (a.revoked_at IS NOT NULL AND now_ >= a.revoked_at) THEN
		RETURN 'authorisation-not-in-force';
	END IF;
	IF NOT coalesce(auth_covers, false) THEN
		RETURN 'authorisation-out-of-scope';
	END IF;
	RETURN 'allowed';
END
$$;

-- Read by everyone who asks (the rules are public); authorisations only
-- by the senior officers and the auditors (the search functions read
-- them as their owner).
GRANT USAGE ON SCHEMA anpr TO anpr_analyst, anpr_senior, anpr_auditor, anpr_exporter;
GRANT SELECT ON anpr.purposes, anpr.policy_tiers TO anpr_analyst, anpr_senior,
	anpr_auditor, anpr_exporter, anpr_reader;
GRANT SELECT ON anpr.authorisations TO anpr_senior, anpr_auditor;
GRANT EXECUTE ON FUNCTION anpr.policy_tier(timestamptz, timestamptz) TO anpr_analyst,
	anpr_senior, anpr_auditor, anpr_exporter, anpr_reader;
REVOKE ALL ON FUNCTION anpr.policy_decide(text, bigint, boolean, timestamptz, timestamptz)
	FROM PUBLIC;
