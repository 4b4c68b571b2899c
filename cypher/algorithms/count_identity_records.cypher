// Identity resolution's input: customer records.
MATCH (c:Customer)
RETURN count(c) AS records
