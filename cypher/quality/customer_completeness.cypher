// How many customers have each field filled in (counts only: no value leaves the database).
MATCH (c:Customer)
RETURN count(c) AS total, count(c.email) AS email, count(c.phone) AS phone, count(c.country) AS country,
       count(c.city) AS city, count(c.language) AS language, count(c.birthYear) AS birthYear,
       count(c.gender) AS gender, count(c.registeredAt) AS registeredAt
