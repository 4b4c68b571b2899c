// A segment's definition; `sensitive` when its rule names a sensitive tag or family (admins only);
// `basis` the consent its members must give (graph.segments.rule_basis).
MERGE (s:Segment {name: $name})
SET s.rule = $rule, s.computedAt = datetime(), s.sensitive = $sensitive, s.basis = $basis
