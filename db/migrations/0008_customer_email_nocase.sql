-- Contract 2: a customer's email keeps its case as sent (the docs' example is
-- "eAqpUh6u@example.com": https://docs.passportfintech.com/EN/retrieve-customer), while uniqueness
-- within an entity and the `email` list filter compare without case. The table's own
-- UNIQUE (entity_id, email) stays (dropping it would rebuild the table); this index is the stricter
-- rule, and it answers the case-blind lookup and filter (`email = ? COLLATE NOCASE`).
-- Every email stored before this migration was lower-cased, so no existing row can collide.
CREATE UNIQUE INDEX customers_entity_email_nocase ON customers (entity_id, email COLLATE NOCASE);
