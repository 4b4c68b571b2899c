// A segment by name; a sensitive one exists only for admins.
MATCH (s:Segment {name: $name}) WHERE $includeSensitive OR NOT coalesce(s.sensitive, false)
RETURN s.name AS name, s.rule AS rule, toString(s.computedAt) AS computedAt,
       COUNT { (s)<-[:IN_SEGMENT]-() } AS size
