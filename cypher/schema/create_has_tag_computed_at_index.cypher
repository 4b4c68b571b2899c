CREATE INDEX has_tag_computed_at_index IF NOT EXISTS
FOR ()-[r:HAS_TAG]-() ON (r.computedAt)
