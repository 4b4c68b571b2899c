// Retention (CKG_TAG_HISTORY_DAYS): history that ended before the cut-off goes, in batches.
MATCH ()-[h:HAD_TAG]->() WHERE h.validTo < datetime($now) - duration({days: $days})
CALL (h) { DELETE h } IN TRANSACTIONS OF 10000 ROWS
RETURN count(*) AS pruned
