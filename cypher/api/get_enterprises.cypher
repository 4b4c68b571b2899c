UNWIND $ids AS id
MATCH (e:Enterprise {enterpriseId: id})
OPTIONAL MATCH (e)<-[:WORKS_FOR]-(ct:Contact)
WITH id, e, collect(ct {.contactId, .name, .email, .phone, .title}) AS contacts
RETURN id, e.name AS name, e.country AS country, e.industry AS industry, e.size AS size,
       e.annualRevenueBand AS revenueBand, e.potentialScore AS potentialScore, e.potentialRank AS potentialRank,
       contacts
