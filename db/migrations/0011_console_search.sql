-- Issue 14: the console's Find box searches every entity's accounts on the server
-- (GET /_mock/accounts?q=…). An account-number prefix across entities cannot use
-- UNIQUE (entity_id, account_number), which leads with the entity; a customer-name prefix needs
-- the name indexed without case, as the search compares it. Both are range scans, so a search
-- over 100,000 accounts reads only the rows it finds.
CREATE INDEX accounts_number ON accounts (account_number);
CREATE INDEX customers_name_nocase ON customers (business_name COLLATE NOCASE);
