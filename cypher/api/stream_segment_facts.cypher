// What segment rules look at, for one page of customers: tags with weights, country, communities.
MATCH (c:Customer) WHERE c.customerId > $after
WITH c ORDER BY c.customerId LIMIT $limit
OPTIONAL MATCH (c)-[h:HAS_TAG]->(t:Tag)
WITH c, collect([t.name, t.family, t.dimension, h.weight]) AS tags
RETURN c.customerId AS id, c.country AS country, tags,
       [(c)-[:MEMBER_OF]->(k:Community) | k.communityId] AS communities
