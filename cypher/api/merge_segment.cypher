// A segment's definition; `sensitive` when its rule names a sensitive tag or family (admins only).
MERGE (s:Segment {name: $name})
SET s.rule = $rule, s.computedAt = datetime(), s.sensitive = $sensitive
