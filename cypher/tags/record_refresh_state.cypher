// A unit ran to the end: the fingerprint of the inputs it ran on (and a value it keeps, the data
// end), so the next full refresh can skip it while they are unchanged. Bookkeeping, not a tag.
MERGE (s:RefreshState {unit: $unit})
SET s.fingerprint = $fingerprint, s.value = $value, s.inputs = $inputs, s.at = datetime()
RETURN s.unit AS unit
