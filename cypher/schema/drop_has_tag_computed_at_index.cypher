// Databases made before 24 Nov 2026 carry a range index on HAS_TAG.computedAt that no statement
// searches by (computedAt is only returned): every tag written paid for an index entry. Dropped.
DROP INDEX has_tag_computed_at_index IF EXISTS
