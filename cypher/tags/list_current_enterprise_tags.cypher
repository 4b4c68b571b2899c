// The current tags of $families these enterprises hold, with what write_enterprise_tags compares, in one
// row: graph.tags.refresh.write_tags sends the writer only the derived tags that differ from them,
// and the end statement only the enterprises holding a tag no longer derived.
// No :Tag label on t (every HAS_TAG ends at a Tag): with it, a plan made while the graph held few
// tags (the first refresh after a load) starts from the families' Tag nodes and walks every holder
// of them for each id, which grows with the tags written; without it the only start is the id.
UNWIND $ids AS id
MATCH (x:Enterprise {enterpriseId: id})-[h:HAS_TAG]->(t)
WHERE t.family IN $families
RETURN collect([id, t.name, h.weight, h.confidence, h.evidence, h.source,
                h.since IS NOT NULL AND h.sinceWeight IS NOT NULL]) AS tags
