UNWIND $ids AS id
MATCH (c:Customer {customerId: id})-[:ACQUIRED_VIA]->(ch:Channel)
RETURN c.customerId AS id, 'acquisition_channel:' + ch.channelId AS tag, 1.0 AS weight, 1.0 AS confidence,
       ['acquired via ' + ch.name] AS evidence
