// Ends the membership of a kind of customers no longer in any community (they left the social graph).
UNWIND $rows AS row
MATCH (:Customer {customerId: row.id})-[m:MEMBER_OF]->(:Community {kind: $kind})
DELETE m
