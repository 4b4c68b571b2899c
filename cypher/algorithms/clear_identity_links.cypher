MATCH (:Customer)-[s:SAME_PERSON_AS]->(:Customer)
DELETE s
