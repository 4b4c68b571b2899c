// All nodes of the batch first, so a parent later in the same batch is found.
UNWIND $rows AS row
MERGE (c:Category {categoryId: row.categoryId})
SET c.name = row.name
WITH collect(row) AS rows
UNWIND rows AS row
WITH row WHERE row.parentId IS NOT NULL
MATCH (c:Category {categoryId: row.categoryId})
MATCH (p:Category {categoryId: row.parentId})
MERGE (c)-[:SUBCATEGORY_OF]->(p)
