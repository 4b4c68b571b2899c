// Customer-to-customer ties of the social graph, by customer id.
CALL () { {{ include algorithms/social_ties }} }
RETURN a.customerId AS source, b.customerId AS target ORDER BY source, target
