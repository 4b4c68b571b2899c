// An erased person's keyed hash: loads skip their rows from now on.
MERGE (s:Suppressed {key: $key})
ON CREATE SET s.at = datetime()
