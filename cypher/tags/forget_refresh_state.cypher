// A unit is about to run: until it has succeeded, no fingerprint says its outputs are current.
MATCH (s:RefreshState {unit: $unit})
REMOVE s.fingerprint
RETURN count(s) AS forgotten
