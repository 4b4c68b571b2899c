// One token per name, for good (a revoked token keeps its name, so audit entries stay unambiguous):
// MERGE on the unique name creates nothing when the name is in use, and `created` says so.
MERGE (t:ApiToken {name: $name})
ON CREATE SET t.tokenHash = $hash, t.role = $role, t.createdAt = datetime(),
              t.expiresAt = CASE WHEN $expiresSeconds IS NULL THEN null
                                 ELSE datetime() + duration({seconds: $expiresSeconds}) END
RETURN t.tokenHash = $hash AS created
