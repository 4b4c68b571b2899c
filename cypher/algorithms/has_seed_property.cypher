// Whether any node of the projection carries a `seed` (a previous community number).
CALL gds.graph.list($graph) YIELD schema
RETURN any(label IN keys(schema.nodes) WHERE 'seed' IN keys(schema.nodes[label])) AS seeded
