MATCH (s:Segment {name: $name})
RETURN s.name AS name, s.rule AS rule, toString(s.computedAt) AS computedAt,
       COUNT { (s)<-[:IN_SEGMENT]-() } AS size
