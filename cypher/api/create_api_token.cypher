CREATE (t:ApiToken {tokenHash: $hash, role: $role, name: $name, createdAt: datetime()})
RETURN t.name AS name
