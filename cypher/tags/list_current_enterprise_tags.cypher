// The current tags of $families these enterprises hold, with what write_enterprise_tags compares, in one
// row: graph.tags.refresh.write_tags sends the writer only the derived tags that differ from them,
// and the end statement only the enterprises holding a tag no longer derived.
UNWIND $ids AS id
MATCH (x:Enterprise {enterpriseId: id})-[h:HAS_TAG]->(t:Tag)
WHERE t.family IN $families
RETURN collect([id, t.name, h.weight, h.confidence, h.evidence, h.source,
                h.since IS NOT NULL AND h.sinceWeight IS NOT NULL]) AS tags
