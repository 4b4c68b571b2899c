CREATE CONSTRAINT review_review_id_unique IF NOT EXISTS
FOR (n:Review) REQUIRE n.reviewId IS UNIQUE
