MERGE (s:Segment {name: $name})
SET s.rule = $rule, s.computedAt = datetime()
