// Which of these keyed hashes belong to erased people.
UNWIND $keys AS k
MATCH (:Suppressed {key: k})
RETURN k AS key
