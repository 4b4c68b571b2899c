// Customers with at least one recorded consent decision, and those whose consents allow marketing.
MATCH (c:Customer)
RETURN count(c) AS total,
       count(CASE WHEN EXISTS { (c)-[:GAVE]->(:Consent) } THEN 1 END) AS recorded,
       count(CASE WHEN 'marketing' IN coalesce(c.allowedUses, []) THEN 1 END) AS marketing
