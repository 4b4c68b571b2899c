// The social community around a customer, drawn as a graph: members and their referrals and shares.
// In Browser: :param id => 'c0000001'
MATCH (c:Customer {customerId: $id})-[:MEMBER_OF]->(k:Community)<-[:MEMBER_OF]-(m:Customer)
OPTIONAL MATCH p = (m)-[:REFERRED|SHARED|REACHED*1..2]-(n:Customer)-[:MEMBER_OF]->(k)
RETURN k, m, p LIMIT 300
