MERGE (s:IdSequence {name: 'community:' + $kind})
SET s.next = $next
