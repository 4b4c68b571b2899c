CREATE INDEX tag_dimension_index IF NOT EXISTS
FOR (n:Tag) ON (n.dimension)
