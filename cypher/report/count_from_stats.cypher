// Node counts per label and relationship counts per type from the count store (needs APOC).
CALL apoc.meta.stats() YIELD labels, relTypesCount
RETURN labels, relTypesCount
