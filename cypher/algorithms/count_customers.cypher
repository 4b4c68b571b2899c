// How many customer records the graph holds (from the count store: no scan).
MATCH (c:Customer)
RETURN count(c) AS customers
