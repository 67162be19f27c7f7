-- 0012: exports under the access policy, and the end of anpr_reader's
-- table grants (docs/access.md, "3. The database enforces it"). The
-- checks and the tier split of 0007's search move into functions that both
-- the search and the export call (one policy, one place); the search gains the evidence
-- state of each read (chain position, link, covered), which anpr-query
-- showed when it read the tables itself; anpr.export_reads gives an
-- exporter what an evidence bundle is made of, audited as an export. With
-- that, nothing anpr-query does needs a table: anpr_reader keeps only the
-- register without its locations.

DROP FUNCTION anpr.search_reads(text, text, timestamptz, timestamptz, text, text, text, bigint);
DROP FUNCTION anpr.search_reads_at(timestamptz, text, text, timestamptz, timestamptz, text,
				   text, text, bigint);

-- Who asks, for what: a purpose of the list, a case reference, a question
-- that names something (no trawl of everything), an authorisation that
-- exists. NULL, or why the question is refused before any search.
CREATE FUNCTION anpr.policy_refusal(vrm_ text, vrm_key_ text, camera_ text, purpose_ text,
				    case_ref_ text, auth_id bigint)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE
		WHEN purpose_ IS NULL OR NOT EXISTS (SELECT 1 FROM anpr.purposes p
						     WHERE p.purpose = purpose_)
		THEN 'no such purpose'
		WHEN case_ref_ IS NULL OR case_ref_ !~ '^[ -~]{3,64}$'
		THEN 'a case reference (3 to 64 printable characters) is required'
		WHEN vrm_ IS NULL AND vrm_key_ IS NULL AND camera_ IS NULL
		THEN 'a search names a mark, a look-alike key or a camera'
		WHEN auth_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM anpr.authorisations x
							 WHERE x.id = auth_id)
		THEN 'no such authorisation'
	END
$$;
REVOKE ALL ON FUNCTION anpr.policy_refusal(text, text, text, text, text, bigint) FROM PUBLIC;

-- A read a question matched, and the policy's verdict on it.
CREATE TYPE anpr.policy_match AS (
	record_id text, capture_day date, time_utc timestamptz, vrm text, camera_id text,
	site_id text, confidence real, sig_ok boolean, chain_id text, chain_seq bigint,
	prev_hash bytea, tier int, verdict text);

-- The reads the question names, each decided at now_ (the question is
-- one policy_refusal accepted). Held by the caller in an array, not a
-- temporary table: a table made and dropped per search is catalogue
-- writes on every call (tests/backoffice/bench-store-search). plpgsql,
-- not sql: a sql function's statement is planned without the arguments'
-- values, and "vrm_ IS NULL OR i.vrm = vrm_" then scans every row;
-- plpgsql plans with them (a custom plan) and finds the index.
-- The decision is 0006's anpr.policy_decide, which depends on the read's
-- time only through its tier: it is asked once per tier and scope found
-- (with a read of that tier), not once per read. Per read, the function's
-- SET clauses (a save and restore of TimeZone and search_path per call)
-- cost ~30 us: 14 of the 18 ms of a search returning 440 reads. The tier
-- is anpr.policy_tier's own expression, inline for the same reason, under
-- the same TimeZone (set here, once).
CREATE FUNCTION anpr.policy_matches_at(now_ timestamptz, vrm_ text, vrm_key_ text,
				       t_from timestamptz, t_to timestamptz, camera_ text,
				       purpose_ text, case_ref_ text, auth_id bigint)
RETURNS SETOF anpr.policy_match
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
AS $$
BEGIN
	RETURN QUERY
	WITH m AS (
		SELECT i.record_id, i.capture_day, i.time_utc, i.vrm, i.camera_id, i.site_id,
		       i.confidence, i.sig_ok, i.chain_id, i.chain_seq, i.prev_hash,
		       coalesce((SELECT min(pt.tier) FROM anpr.policy_tiers pt
				 WHERE now_ < i.time_utc + pt.max_age), 0) AS tier,
		       coalesce(a.id IS NOT NULL AND ((a.scope_case IS NOT NULL
			 AND a.scope_case = case_ref_) OR (a.scope_vrm_keys IS NOT NULL
			 AND i.vrm_key = ANY (a.scope_vrm_keys))), false) AS covers
		FROM anpr.record_index i
		LEFT JOIN anpr.authorisations a ON a.id = auth_id
		WHERE i.vrm IS NOT NULL
		  AND (vrm_ IS NULL OR i.vrm = vrm_)
		  AND (vrm_key_ IS NULL OR i.vrm_key = vrm_key_)
		  AND (t_from IS NULL OR i.time_utc >= t_from)
		  AND (t_to IS NULL OR i.time_utc <= t_to)
		  AND (camera_ IS NULL OR i.camera_id = camera_)),
	d AS (
		SELECT g.tier, g.covers,
		       anpr.policy_decide(purpose_, auth_id, g.covers, g.t, now_) AS verdict
		FROM (SELECT m.tier, m.covers, min(m.time_utc) AS t FROM m
		      GROUP BY m.tier, m.covers) g)
	SELECT m.record_id, m.capture_day, m.time_utc, m.vrm, m.camera_id, m.site_id,
	       m.confidence, m.sig_ok, m.chain_id, m.chain_seq, m.prev_hash, m.tier, d.verdict
	FROM m JOIN d ON d.tier = m.tier AND d.covers = m.covers;
END
$$;
REVOKE ALL ON FUNCTION anpr.policy_matches_at(timestamptz, text, text, timestamptz,
	timestamptz, text, text, text, bigint) FROM PUBLIC;

-- What was withheld, per reason, as the audit entry records it.
CREATE FUNCTION anpr.policy_withheld(found anpr.policy_match[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
	SELECT coalesce(jsonb_object_agg(w.v, w.c), '{}')
	FROM (SELECT f.verdict AS v, count(*) AS c FROM unnest(found) f
	      WHERE f.verdict <> 'allowed' GROUP BY f.verdict) w
$$;
REVOKE ALL ON FUNCTION anpr.policy_withheld(anpr.policy_match[]) FROM PUBLIC;

-- The search under the policy, at now_ (the clock injected: only the
-- owner calls this one; people call anpr.search_reads, which passes
-- now()). As 0007's, with each read's chain position and evidence state:
-- link_verified (the previous record is held, or deleted by retention,
-- with the hash this one names; or it is the first of its chain) and
-- covered (a verified checkpoint spans it), derived as anpr_store_search
-- did. Reads the policy allows, oldest first, then one row per reason
-- reads were withheld (record_id NULL, withheld_reason, withheld_count,
-- needs), or one 'refused' row saying why. site_id only for members of
-- anpr_location. Every call appends its audit entry.
CREATE FUNCTION anpr.search_reads_at(now_ timestamptz, vrm_ text, vrm_key_ text,
				     t_from timestamptz, t_to timestamptz, camera_ text,
				     purpose_ text, case_ref_ text, auth_id bigint)
RETURNS TABLE (record_id text, time_utc timestamptz, vrm text, camera_id text,
	       site_id text, confidence real, sig_ok boolean, tier int,
	       withheld_reason text, withheld_count int, needs text,
	       chain_id text, chain_seq bigint, link_verified boolean, covered boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
AS $$
DECLARE
	question jsonb := jsonb_build_object('vrm', vrm_, 'vrm_key', vrm_key_,
		'from', t_from, 'to', t_to, 'camera', camera_);
	sees_sites boolean := pg_has_role(session_user, 'anpr_location', 'MEMBER');
	refusal text := anpr.policy_refusal(vrm_, vrm_key_, camera_, purpose_, case_ref_,
					    auth_id);
	found anpr.policy_match[];
	n_ok int;
BEGIN
	IF refusal IS NOT NULL THEN
		-- answered, not raised: an error would roll the audit entry
		-- of the refusal back with it
		PERFORM audit.append('refused', purpose_, case_ref_, auth_id, question, 0,
				     jsonb_build_object('refused', refusal));
		RETURN QUERY SELECT NULL::text, NULL::timestamptz, NULL::text, NULL::text,
			NULL::text, NULL::real, NULL::boolean, NULL::int, 'refused'::text,
			0, refusal, NULL::text, NULL::bigint, NULL::boolean, NULL::boolean;
		RETURN;
	END IF;
	SELECT coalesce(array_agg(m), '{}') INTO found
	FROM anpr.policy_matches_at(now_, vrm_, vrm_key_, t_from, t_to, camera_, purpose_,
				    case_ref_, auth_id) m;
	SELECT count(*) INTO n_ok FROM unnest(found) f WHERE f.verdict = 'allowed';
	PERFORM audit.append('search', purpose_, case_ref_, auth_id, question, n_ok,
			     anpr.policy_withheld(found));
	RETURN QUERY
	SELECT f.record_id, f.time_utc, f.vrm, f.camera_id,
	       CASE WHEN sees_sites THEN f.site_id END, f.confidence, f.sig_ok, f.tier,
	       NULL::text, NULL::int, NULL::text, f.chain_id, f.chain_seq,
	       f.chain_seq = 1 OR EXISTS (SELECT 1 FROM anpr.record_index p
			WHERE p.chain_id = f.chain_id AND p.chain_seq = f.chain_seq - 1
			  AND p.sha256 = f.prev_hash)
		OR EXISTS (SELECT 1 FROM anpr.retention_deleted d
			WHERE d.chain_id = f.chain_id AND d.last_seq = f.chain_seq - 1
			  AND d.last_sha256 = f.prev_hash),
	       EXISTS (SELECT 1 FROM anpr.checkpoints k WHERE k.chain_id = f.chain_id
			AND k.verified_at IS NOT NULL AND k.first_seq <= f.chain_seq
			AND k.last_seq >= f.chain_seq)
	FROM unnest(found) f WHERE f.verdict = 'allowed'
	ORDER BY f.time_utc, f.record_id;
	RETURN QUERY
	SELECT NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text,
	       NULL::real, NULL::boolean, min(f.tier), f.verdict, count(*)::int,
	       CASE WHEN f.verdict = 'due-for-deletion' THEN 'nothing: due for deletion'
		    ELSE (SELECT t.needs FROM anpr.policy_tiers t WHERE t.tier = min(f.tier)) END,
	       NULL::text, NULL::bigint, NULL::boolean, NULL::boolean
	FROM unnest(found) f WHERE f.verdict <> 'allowed'
	GROUP BY f.verdict ORDER BY f.verdict;
END
$$;
REVOKE ALL ON FUNCTION anpr.search_reads_at(timestamptz, text, text, timestamptz, timestamptz,
	text, text, text, bigint) FROM PUBLIC;

CREATE FUNCTION anpr.search_reads(vrm_ text, vrm_key_ text, t_from timestamptz,
				  t_to timestamptz, camera_ text, purpose_ text,
				  case_ref_ text, auth_id bigint)
RETURNS TABLE (record_id text, time_utc timestamptz, vrm text, camera_id text,
	       site_id text, confidence real, sig_ok boolean, tier int,
	       withheld_reason text, withheld_count int, needs text,
	       chain_id text, chain_seq bigint, link_verified boolean, covered boolean)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM anpr.search_reads_at(now(), vrm_, vrm_key_, t_from, t_to, camera_,
					   purpose_, case_ref_, auth_id)
$$;
REVOKE ALL ON FUNCTION anpr.search_reads(text, text, timestamptz, timestamptz, text,
	text, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION anpr.search_reads(text, text, timestamptz, timestamptz, text,
	text, text, bigint) TO anpr_analyst;

-- The export under the policy, at now_ (owner only; people call
-- anpr.export_reads). The same question, purpose, case and authorisation
-- as a search and the same tier split; audited as action 'export' (the
-- question records with_span). Rows:
--  * each read the policy allows (selected true), with what a bundle is
--    made of: its bytes exactly as signed (rec, sig, newsig), its image
--    hashes, its own hash, and for a disclosure with inclusion proofs the
--    covering checkpoint (the verified one whose span holds the read: its
--    chain position, bytes and span) and the leaf hashes of that span
--    (every record's SHA-256 in chain order: hashes, no marks), NULL
--    where the store does not hold the whole span;
--  * with_span: the other records of each chain's span around the reads,
--    from the last checkpoint before the first read (else the first
--    record held) to the first checkpoint at or after the last (else the
--    last held), selected false: the camera export's form, which shows
--    the chain whole and so discloses the neighbours' reads too;
--  * then one row per reason reads were withheld, or one 'refused' row.
-- The signed record names the site (a fixed camera's location): only an
-- exporter may call this, and being one means seeing sites in bundles.
CREATE FUNCTION anpr.export_reads_at(now_ timestamptz, vrm_ text, vrm_key_ text,
				     t_from timestamptz, t_to timestamptz, camera_ text,
				     purpose_ text, case_ref_ text, auth_id bigint,
				     with_span boolean)
RETURNS TABLE (record_id text, selected boolean, camera_id text, chain_id text,
	       chain_seq bigint, type text, capture_day date, time_utc timestamptz,
	       sha256 bytea, rec bytea, sig bytea, newsig bytea,
	       plate_sha256 bytea, overview_sha256 bytea,
	       cp_seq bigint, cp_first bigint, cp_last bigint, cp_rec bytea, cp_sig bytea,
	       leaves bytea[], tier int,
	       withheld_reason text, withheld_count int, needs text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
AS $$
DECLARE
	question jsonb := jsonb_build_object('vrm', vrm_, 'vrm_key', vrm_key_,
		'from', t_from, 'to', t_to, 'camera', camera_,
		'with_span', coalesce(with_span, false));
	refusal text := anpr.policy_refusal(vrm_, vrm_key_, camera_, purpose_, case_ref_,
					    auth_id);
	found anpr.policy_match[];
	n_ok int;
BEGIN
	IF refusal IS NOT NULL THEN
		PERFORM audit.append('refused', purpose_, case_ref_, auth_id, question, 0,
				     jsonb_build_object('refused', refusal, 'asked', 'export'));
		RETURN QUERY SELECT NULL::text, NULL::boolean, NULL::text, NULL::text,
			NULL::bigint, NULL::text, NULL::date, NULL::timestamptz, NULL::bytea,
			NULL::bytea, NULL::bytea, NULL::bytea, NULL::bytea, NULL::bytea,
			NULL::bigint, NULL::bigint, NULL::bigint, NULL::bytea, NULL::bytea,
			NULL::bytea[], NULL::int, 'refused'::text, 0, refusal;
		RETURN;
	END IF;
	SELECT coalesce(array_agg(m), '{}') INTO found
	FROM anpr.policy_matches_at(now_, vrm_, vrm_key_, t_from, t_to, camera_, purpose_,
				    case_ref_, auth_id) m;
	SELECT count(*) INTO n_ok FROM unnest(found) f WHERE f.verdict = 'allowed';
	PERFORM audit.append('export', purpose_, case_ref_, auth_id, question, n_ok,
			     anpr.policy_withheld(found));
	RETURN QUERY
	WITH sel AS (
		SELECT f.*, k.record_id AS cp_id, k.first_seq, k.last_seq
		FROM unnest(found) f
		LEFT JOIN LATERAL (SELECT c.record_id, c.first_seq, c.last_seq
			FROM anpr.checkpoints c
			WHERE c.chain_id = f.chain_id AND c.verified_at IS NOT NULL
			  AND c.first_seq <= f.chain_seq AND c.last_seq >= f.chain_seq
			ORDER BY c.first_seq LIMIT 1) k ON true
		WHERE f.verdict = 'allowed'),
	-- each chain's span for the camera export's form
	spans AS (
		SELECT s.chain_id,
		       coalesce((SELECT max(i.chain_seq) FROM anpr.record_index i
				 WHERE i.chain_id = s.chain_id AND i.type = 'checkpoint'
				   AND i.chain_seq < min(s.chain_seq)),
				(SELECT min(i.chain_seq) FROM anpr.record_index i
				 WHERE i.chain_id = s.chain_id)) AS lo,
		       coalesce((SELECT min(i.chain_seq) FROM anpr.record_index i
				 WHERE i.chain_id = s.chain_id AND i.type = 'checkpoint'
				   AND i.chain_seq >= max(s.chain_seq)),
				(SELECT max(i.chain_seq) FROM anpr.record_index i
				 WHERE i.chain_id = s.chain_id)) AS hi
		FROM sel s WHERE with_span GROUP BY s.chain_id),
	ctx AS (
		SELECT i.record_id, i.capture_day FROM spans p
		JOIN anpr.record_index i ON i.chain_id = p.chain_id
		 AND i.chain_seq BETWEEN p.lo AND p.hi
		WHERE NOT EXISTS (SELECT 1 FROM sel s WHERE s.record_id = i.record_id))
	SELECT r.record_id, true, r.camera_id, r.chain_id, r.chain_seq, r.type,
	       r.capture_day, r.time_utc, r.sha256, r.rec, r.sig, r.newsig,
	       r.plate_sha256, r.overview_sha256,
	       ki.chain_seq, s.first_seq, s.last_seq, kr.rec, kr.sig,
	       (SELECT CASE WHEN count(*) = s.last_seq - s.first_seq + 1
			    THEN array_agg(l.sha256 ORDER BY l.chain_seq) END
		FROM anpr.record_index l WHERE l.chain_id = s.chain_id
		 AND l.chain_seq BETWEEN s.first_seq AND s.last_seq),
	       s.tier, NULL::text, NULL::int, NULL::text
	FROM sel s
	JOIN anpr.records r ON r.capture_day = s.capture_day AND r.record_id = s.record_id
	LEFT JOIN anpr.record_index ki ON ki.record_id = s.cp_id
	LEFT JOIN anpr.records kr ON kr.capture_day = ki.capture_day AND kr.record_id = ki.record_id
	UNION ALL
	SELECT r.record_id, false, r.camera_id, r.chain_id, r.chain_seq, r.type,
	       r.capture_day, r.time_utc, r.sha256, r.rec, r.sig, r.newsig,
	       r.plate_sha256, r.overview_sha256, NULL::bigint, NULL::bigint, NULL::bigint,
	       NULL::bytea, NULL::bytea, NULL::bytea[], NULL::int, NULL::text, NULL::int,
	       NULL::text
	FROM ctx c JOIN anpr.records r ON r.capture_day = c.capture_day
	 AND r.record_id = c.record_id
	ORDER BY 4, 5;
	RETURN QUERY
	SELECT NULL::text, NULL::boolean, NULL::text, NULL::text, NULL::bigint, NULL::text,
	       NULL::date, NULL::timestamptz, NULL::bytea, NULL::bytea, NULL::bytea,
	       NULL::bytea, NULL::bytea, NULL::bytea, NULL::bigint, NULL::bigint,
	       NULL::bigint, NULL::bytea, NULL::bytea, NULL::bytea[], min(f.tier),
	       f.verdict, count(*)::int,
	       CASE WHEN f.verdict = 'due-for-deletion' THEN 'nothing: due for deletion'
		    ELSE (SELECT t.needs FROM anpr.policy_tiers t WHERE t.tier = min(f.tier)) END
	FROM unnest(found) f WHERE f.verdict <> 'allowed'
	GROUP BY f.verdict ORDER BY f.verdict;
END
$$;
REVOKE ALL ON FUNCTION anpr.export_reads_at(timestamptz, text, text, timestamptz, timestamptz,
	text, text, text, bigint, boolean) FROM PUBLIC;

CREATE FUNCTION anpr.export_reads(vrm_ text, vrm_key_ text, t_from timestamptz,
				  t_to timestamptz, camera_ text, purpose_ text,
				  case_ref_ text, auth_id bigint, with_span boolean)
RETURNS TABLE (record_id text, selected boolean, camera_id text, chain_id text,
	       chain_seq bigint, type text, capture_day date, time_utc timestamptz,
	       sha256 bytea, rec bytea, sig bytea, newsig bytea,
	       plate_sha256 bytea, overview_sha256 bytea,
	       cp_seq bigint, cp_first bigint, cp_last bigint, cp_rec bytea, cp_sig bytea,
	       leaves bytea[], tier int,
	       withheld_reason text, withheld_count int, needs text)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM anpr.export_reads_at(now(), vrm_, vrm_key_, t_from, t_to, camera_,
					   purpose_, case_ref_, auth_id, with_span)
$$;
REVOKE ALL ON FUNCTION anpr.export_reads(text, text, timestamptz, timestamptz, text,
	text, text, bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION anpr.export_reads(text, text, timestamptz, timestamptz, text,
	text, text, bigint, boolean) TO anpr_exporter;

-- A bundle carries the camera's public keys from the register (public by
-- nature, and no location); the people who export read them.
GRANT SELECT ON anpr.camera_keys TO anpr_exporter;
-- The register names cameras to everyone who asks; where they are, only to
-- anpr_location.
GRANT SELECT (camera_id, kind, note, created_at, retired_at) ON anpr.cameras
	TO anpr_analyst, anpr_exporter;
GRANT SELECT ON anpr.cameras TO anpr_location;

-- anpr_reader (0003, 0009) read the tables directly, under no policy and
-- no audit: it keeps the register without the locations, nothing else.
REVOKE SELECT ON anpr.record_index, anpr.records, anpr.chains, anpr.checkpoints,
	anpr.retention_deleted FROM anpr_reader;
REVOKE SELECT ON anpr.cameras FROM anpr_reader;
GRANT SELECT (camera_id, kind, note, created_at, retired_at) ON anpr.cameras TO anpr_reader;
