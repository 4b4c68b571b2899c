CREATE CONSTRAINT inquiry_inquiry_id_unique IF NOT EXISTS
FOR (n:Inquiry) REQUIRE n.inquiryId IS UNIQUE
