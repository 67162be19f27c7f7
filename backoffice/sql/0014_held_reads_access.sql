-- 0014: a read kept past the policy's last tier by a legal hold may be
-- searched and exported for the hold's own case, and for nothing else
-- (issue 20: "older than 24 months: deleted, unless held for a named
-- case"; "the held case still exports and verifies"). A hold stops the
-- deletion of the reads it covers; until now nobody could read them once
-- they were over 24 months old, so the case the hold was made for could
-- not use them. The rule (docs/access.md, section 1):
--   * only reads older than the last tier (due for deletion, kept by a
--     hold) are affected: a hold never widens access to a younger read;
--   * the question's case reference must be the case_ref of a hold in
--     force that covers the read (its marks, cameras and time span);
--   * the purpose must be major crime or counter terrorism, the purposes
--     of the last tier; the hold is itself a senior officer's decision
--     for that case (anpr.hold, anpr_senior, audited), so no further
--     authorisation is asked.
-- Everything else is 0012's policy_matches_at unchanged.

-- Is the read under a hold in force for case_ref_ at now_? (anpr.held,
-- 0009, for one case)
CREATE FUNCTION anpr.held_for_case(vrm_key_ text, camera_ text, t timestamptz,
				   now_ timestamptz, case_ref_ text)
RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
	SELECT EXISTS (SELECT 1 FROM anpr.legal_holds h
		WHERE h.case_ref = case_ref_
		  AND h.expires_at > now_ AND (h.released_at IS NULL OR h.released_at > now_)
		  AND (h.vrm_keys IS NULL OR vrm_key_ = ANY (h.vrm_keys))
		  AND (h.camera_ids IS NULL OR camera_ = ANY (h.camera_ids))
		  AND (h.t_from IS NULL OR t >= h.t_from)
		  AND (h.t_to IS NULL OR t <= h.t_to))
$$;
REVOKE ALL ON FUNCTION anpr.held_for_case(text, text, timestamptz, timestamptz, text)
	FROM PUBLIC;

CREATE OR REPLACE FUNCTION anpr.policy_matches_at(now_ timestamptz, vrm_ text, vrm_key_ text,
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
		       i.confidence, i.sig_ok, i.chain_id, i.chain_seq, i.prev_hash, i.vrm_key,
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
	       m.confidence, m.sig_ok, m.chain_id, m.chain_seq, m.prev_hash, m.tier,
	       -- past the last tier: allowed only for the case of a hold that
	       -- keeps it, and the last tier's purposes (asked per read, and
	       -- only of such reads: a hold is looked up for nothing else)
	       CASE WHEN m.tier = 0 AND purpose_ IN ('major-crime', 'counter-terrorism')
			 AND anpr.held_for_case(m.vrm_key, m.camera_id, m.time_utc, now_,
						case_ref_)
		    THEN 'allowed' ELSE d.verdict END
	FROM m JOIN d ON d.tier = m.tier AND d.covers = m.covers;
END
$$;
