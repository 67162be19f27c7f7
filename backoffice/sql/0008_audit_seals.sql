-- 0008: seals of the audit chain (docs/access.md, "4. Audit"). anpr-audit
-- seal signs the chain's head (its seq and hash, at a time) with the back
-- office's Ed25519 key in minisign's format; anpr-audit verify checks
-- every seal's signature and that the entry it names still has that hash.
-- Seals are only added: what a seal covers cannot be changed unseen
-- even by whoever can rewrite the entries, without the key.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anpr_sealer') THEN
		CREATE ROLE anpr_sealer NOLOGIN;
	END IF;
END
$$;

CREATE TABLE audit.seals (
	seq bigint NOT NULL CHECK (seq >= 1),
	sealed_at timestamptz NOT NULL DEFAULT now(),
	message text NOT NULL,		-- exactly the bytes signed
	signature text NOT NULL,	-- the minisign signature file's text
	PRIMARY KEY (seq, sealed_at)
);

GRANT USAGE ON SCHEMA audit TO anpr_sealer;
GRANT SELECT ON audit.entries, audit.seals TO anpr_sealer;
GRANT INSERT ON audit.seals TO anpr_sealer;
GRANT SELECT ON audit.seals TO anpr_auditor;
