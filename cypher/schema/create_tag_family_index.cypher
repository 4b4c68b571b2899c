CREATE INDEX tag_family_index IF NOT EXISTS
FOR (n:Tag) ON (n.family)
