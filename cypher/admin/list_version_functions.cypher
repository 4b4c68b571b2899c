// Which plugin version functions exist (gds.version, apoc.version).
SHOW FUNCTIONS YIELD name
WHERE name IN coalesce($names, ['gds.version', 'apoc.version'])
RETURN name
