// Size of the social graph (bench/communities.py): ties, and customers with at least one.
CALL () { {{ include algorithms/social_ties }} }
WITH a, b
UNWIND [a, b] AS c
WITH count(*) / 2 AS ties, count(DISTINCT c) AS customers
RETURN ties, customers
