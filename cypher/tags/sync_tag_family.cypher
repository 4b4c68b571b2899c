// The catalogue decides what a tag is: a family marked sensitive (or given another basis) later
// changes every existing tag of the family, not only new ones.
MATCH (t:Tag {family: $family})
SET t.dimension = $dimension, t.description = $description, t.sensitive = $sensitive, t.basis = $basis
RETURN count(t) AS tags
