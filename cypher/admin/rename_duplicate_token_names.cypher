// Before token names became unique, several tokens could share one (e.g. "demo"): keep the oldest
// name as it is and suffix the others, so the uniqueness constraint can be created.
MATCH (t:ApiToken)
WITH t.name AS name, t ORDER BY t.createdAt, elementId(t)
WITH name, collect(t) AS tokens WHERE name IS NOT NULL AND size(tokens) > 1
UNWIND range(1, size(tokens) - 1) AS i
WITH tokens[i] AS t, name + '-' + toString(i + 1) AS renamed
SET t.name = renamed
RETURN count(t) AS renamed
