// Removes a family's tags from the given customers before they are derived again.
UNWIND $ids AS id
MATCH (:Customer {customerId: id})-[h:HAS_TAG]->(:Tag {family: $family})
DELETE h
