// B2B purchasing-potential signals per enterprise.
MATCH (e:Enterprise)
OPTIONAL MATCH (e)-[:SENT]->(i:Inquiry)
WITH e, count(i) AS inquiries, sum(coalesce(i.quantity * i.targetPrice, 0)) AS inquiryValue,
     max(i.at) AS lastInquiry
OPTIONAL MATCH (e)-[:PLACED]->(o:Order)
WITH e, inquiries, inquiryValue, lastInquiry, count(o) AS orders, sum(coalesce(o.totalUsd, 0)) AS spend
OPTIONAL MATCH (e)<-[:WORKS_FOR]-(ct:Contact)
RETURN e.enterpriseId AS id, inquiries, inquiryValue, orders, spend, coalesce(e.size, 1) AS size,
       count(ct) AS contacts,
       CASE WHEN lastInquiry IS NULL THEN 9999 ELSE duration.inDays(lastInquiry, datetime($now)).days END AS daysSinceInquiry
