UNWIND $rows AS row
MATCH (e:Enterprise {enterpriseId: row.id})
SET e.potentialScore = row.score, e.potentialRank = row.rank, e.potentialAt = datetime($now)
