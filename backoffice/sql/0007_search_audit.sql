-- 0007: the audit chain and the policy-checked search (docs/access.md,
-- "3. The database enforces it" and "4. Audit"). Every call of
-- anpr.search_reads appends one audit entry in its own transaction,
-- whatever it returns, refusals too; the entries are hash-chained so that
-- an edit, a removal, an insertion or a reordering shows.

CREATE SCHEMA audit;
REVOKE ALL ON SCHEMA audit FROM PUBLIC;

-- One entry per search, export, refusal, authorisation, legal hold,
-- purge. hash = SHA-256(prev_hash || the entry's canonical text,
-- audit.canonical); prev_hash of the first is 32 zero bytes. seq is the
-- chain's order: entries are appended one at a time (an advisory lock
-- held to the end of the appending transaction).
CREATE TABLE audit.entries (
	seq bigint PRIMARY KEY CHECK (seq >= 1),
	at timestamptz NOT NULL,
	who text NOT NULL,
	action text NOT NULL CHECK (action IN ('search', 'export', 'refused',
		'authorise', 'revoke-authorisation', 'hold', 'release-hold', 'purge')),
	purpose text,
	case_ref text,
	authorisation bigint,
	question jsonb NOT NULL,
	results integer NOT NULL CHECK (results >= 0),
	withheld jsonb NOT NULL,
	prev_hash bytea NOT NULL CHECK (length(prev_hash) = 32),
	hash bytea NOT NULL CHECK (length(hash) = 32)
);

-- The canonical text an entry's hash covers: one "key=value" line per
-- column in this order, values as PostgreSQL prints them (at in UTC with
-- microseconds, jsonb in its normal form), an absent value as "-". A
-- verifier outside the database rebuilds it from the columns' text.
CREATE FUNCTION audit.canonical(e audit.entries) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'anpr-audit/1' || E'\n' ||
	       'seq=' || e.seq || E'\n' ||
	       'at=' || to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || E'\n' ||
	       'who=' || e.who || E'\n' ||
	       'action=' || e.action || E'\n' ||
	       'purpose=' || coalesce(e.purpose, '-') || E'\n' ||
	       'case_ref=' || coalesce(e.case_ref, '-') || E'\n' ||
	       'authorisation=' || coalesce(e.authorisation::text, '-') || E'\n' ||
	       'question=' || e.question::text || E'\n' ||
	       'results=' || e.results || E'\n' ||
	       'withheld=' || e.withheld::text || E'\n'
$$;

-- Append an entry (who: the session's user, the person asking).
CREATE FUNCTION audit.append(action_ text, purpose_ text, case_ref_ text,
			     authorisation_ bigint, question_ jsonb, results_ int,
			     withheld_ jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	e audit.entries;
	last_seq bigint;
	last_hash bytea;
BEGIN
	-- one appender at a time, to the end of this transaction: seq order
	-- is chain order
	PERFORM pg_advisory_xact_lock(1095782484, 0);
	SELECT seq, hash INTO last_seq, last_hash FROM audit.entries
	ORDER BY seq DESC LIMIT 1;
	e.seq := coalesce(last_seq, 0) + 1;
	e.at := now();
	e.who := session_user;
	e.action := action_;
	e.purpose := purpose_;
	e.case_ref := case_ref_;
	e.authorisation := authorisation_;
	e.question := coalesce(question_, '{}'::jsonb);
	e.results := coalesce(results_, 0);
	e.withheld := coalesce(withheld_, '{}'::jsonb);
	e.prev_hash := coalesce(last_hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
	e.hash := sha256(e.prev_hash || convert_to(audit.canonical(e), 'UTF8'));
	INSERT INTO audit.entries VALUES (e.*);
	RETURN e.seq;
END
$$;
REVOKE ALL ON FUNCTION audit.append(text, text, text, bigint, jsonb, int, jsonb) FROM PUBLIC;

-- The search under the policy, at now_ (the clock injected: only the
-- owner calls this one; people call anpr.search_reads, which passes
-- now()). vrm: the mark as normalised (vrm.c), or NULL; vrm_key: its
-- look-alike key (vrm.c's fold, computed by the caller), or NULL; a
-- time window and a camera, or NULL. Returns the reads the policy allows,
-- oldest first, then one row per reason reads were withheld (record_id
-- NULL, withheld_reason and withheld_count set, "needs" saying what
-- would allow them); a question refused before any search (no such
-- purpose, no case reference, nothing named) is one row, withheld_reason
-- 'refused' and needs saying why. site_id only for members of
-- anpr_location. Every call appends its audit entry.
CREATE FUNCTION anpr.search_reads_at(now_ timestamptz, vrm_ text, vrm_key_ text,
				     t_from timestamptz, t_to timestamptz, camera_ text,
				     purpose_ text, case_ref_ text, auth_id bigint)
RETURNS TABLE (record_id text, time_utc timestamptz, vrm text, camera_id text,
	       site_id text, confidence real, sig_ok boolean, tier int,
	       withheld_reason text, withheld_count int, needs text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
AS $$
DECLARE
	question jsonb := jsonb_build_object('vrm', vrm_, 'vrm_key', vrm_key_,
		'from', t_from, 'to', t_to, 'camera', camera_);
	sees_sites boolean := pg_has_role(session_user, 'anpr_location', 'MEMBER');
	a anpr.authorisations;
	refusal text;
	n_ok int := 0;
	withheld jsonb := '{}';
BEGIN
	-- who asks, for what: a purpose of the list, a case reference, a
	-- question that names something (no trawl of everything)
	IF purpose_ IS NULL OR NOT EXISTS (SELECT 1 FROM anpr.purposes p
					   WHERE p.purpose = purpose_) THEN
		refusal := 'no such purpose';
	ELSIF case_ref_ IS NULL OR case_ref_ !~ '^[ -~]{3,64}$' THEN
		refusal := 'a case reference (3 to 64 printable characters) is required';
	ELSIF vrm_ IS NULL AND vrm_key_ IS NULL AND camera_ IS NULL THEN
		refusal := 'a search names a mark, a look-alike key or a camera';
	ELSIF auth_id IS NOT NULL THEN
		SELECT * INTO a FROM anpr.authorisations x WHERE x.id = auth_id;
		IF NOT FOUND THEN
			refusal := 'no such authorisation';
		END IF;
	END IF;
	IF refusal IS NOT NULL THEN
		-- answered, not raised: an error would roll the audit entry
		-- of the refusal back with it
		PERFORM audit.append('refused', purpose_, case_ref_, auth_id, question, 0,
				     jsonb_build_object('refused', refusal));
		RETURN QUERY SELECT NULL::text, NULL::timestamptz, NULL::text, NULL::text,
			NULL::text, NULL::real, NULL::boolean, NULL::int, 'refused'::text,
			0, refusal;
		RETURN;
	END IF;
	CREATE TEMP TABLE IF NOT EXISTS pg_temp.search_found (
		record_id text, time_utc timestamptz, vrm text, camera_id text,
		site_id text, confidence real, sig_ok boolean, tier int,
		verdict text) ON COMMIT DROP;
	TRUNCATE pg_temp.search_found;
	INSERT INTO pg_temp.search_found
	SELECT i.record_id, i.time_utc, i.vrm, i.camera_id,
	       CASE WHEN sees_sites THEN i.site_id END, i.confidence, i.sig_ok,
	       anpr.policy_tier(i.time_utc, now_),
	       anpr.policy_decide(purpose_, auth_id,
		       a.id IS NOT NULL AND ((a.scope_case IS NOT NULL AND a.scope_case = case_ref_)
			OR (a.scope_vrm_keys IS NOT NULL AND i.vrm_key = ANY (a.scope_vrm_keys))),
		       i.time_utc, now_)
	FROM anpr.record_index i
	WHERE i.vrm IS NOT NULL
	  AND (vrm_ IS NULL OR i.vrm = vrm_)
	  AND (vrm_key_ IS NULL OR i.vrm_key = vrm_key_)
	  AND (t_from IS NULL OR i.time_utc >= t_from)
	  AND (t_to IS NULL OR i.time_utc <= t_to)
	  AND (camera_ IS NULL OR i.camera_id = camera_);
	SELECT count(*) INTO n_ok FROM pg_temp.search_found f WHERE f.verdict = 'allowed';
	SELECT coalesce(jsonb_object_agg(v, c), '{}') INTO withheld
	FROM (SELECT f.verdict AS v, count(*) AS c FROM pg_temp.search_found f
	      WHERE f.verdict <> 'allowed' GROUP BY f.verdict) w;
	PERFORM audit.append('search', purpose_, case_ref_, auth_id, question, n_ok, withheld);
	RETURN QUERY
	SELECT f.record_id, f.time_utc, f.vrm, f.camera_id, f.site_id, f.confidence,
	       f.sig_ok, f.tier, NULL::text, NULL::int, NULL::text
	FROM pg_temp.search_found f WHERE f.verdict = 'allowed'
	ORDER BY f.time_utc, f.record_id;
	RETURN QUERY
	SELECT NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text,
	       NULL::real, NULL::boolean, min(f.tier), f.verdict, count(*)::int,
	       CASE WHEN f.verdict = 'due-for-deletion' THEN 'nothing: due for deletion'
		    ELSE (SELECT t.needs FROM anpr.policy_tiers t WHERE t.tier = min(f.tier)) END
	FROM pg_temp.search_found f WHERE f.verdict <> 'allowed'
	GROUP BY f.verdict ORDER BY f.verdict;
END
$$;
REVOKE ALL ON FUNCTION anpr.search_reads_at(timestamptz, text, text, timestamptz,
	timestamptz, text, text, text, bigint) FROM PUBLIC;

-- What people call: the same, now.
CREATE FUNCTION anpr.search_reads(vrm_ text, vrm_key_ text, t_from timestamptz,
				  t_to timestamptz, camera_ text, purpose_ text,
				  case_ref_ text, auth_id bigint)
RETURNS TABLE (record_id text, time_utc timestamptz, vrm text, camera_id text,
	       site_id text, confidence real, sig_ok boolean, tier int,
	       withheld_reason text, withheld_count int, needs text)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM anpr.search_reads_at(now(), vrm_, vrm_key_, t_from, t_to, camera_,
					   purpose_, case_ref_, auth_id)
$$;
REVOKE ALL ON FUNCTION anpr.search_reads(text, text, timestamptz, timestamptz, text,
	text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION anpr.search_reads(text, text, timestamptz, timestamptz, text,
	text, text, bigint) TO anpr_analyst;

-- The auditors read the chain (and verify it); nobody but the owner
-- writes it, and only through audit.append.
GRANT USAGE ON SCHEMA audit TO anpr_auditor;
GRANT SELECT ON audit.entries TO anpr_auditor;
GRANT EXECUTE ON FUNCTION audit.canonical(audit.entries) TO anpr_auditor;
