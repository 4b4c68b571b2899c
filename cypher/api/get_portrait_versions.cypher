// The portrait versions of many customers (subscriptions poll them): [epoch, customer], as get_portrait.
OPTIONAL MATCH (k:ChangeCounter {name: 'portraits'})
WITH coalesce(k.epoch, 0) AS epoch
UNWIND $ids AS id
OPTIONAL MATCH (c:Customer {customerId: id})
RETURN id, CASE WHEN c IS NULL THEN null ELSE [epoch, coalesce(c.portraitVersion, 0)] END AS version
