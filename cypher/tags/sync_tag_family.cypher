// The catalogue decides what a tag is: a family marked sensitive (or given another basis) later
// changes every existing tag of the family, not only new ones. Only tags that differ are written.
MATCH (t:Tag {family: $family})
WHERE NOT coalesce(t.dimension = $dimension AND t.description = $description AND t.sensitive = $sensitive
                   AND t.basis = $basis, false)
SET t.dimension = $dimension, t.description = $description, t.sensitive = $sensitive, t.basis = $basis
RETURN count(t) AS tags
