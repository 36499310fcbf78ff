-- Issue 14: the console's Find box searches every entity's payments on the server
-- (GET /_mock/payments?q=…): by the start of an end-to-end id, of the receiver's key value, or of
-- the number of the mock account that paid or was paid (accounts_number, 0011, finds the accounts;
-- payments_account their payments). Without these a search reads every payment: 25–60 ms over
-- 100,000 on an idle machine, but 400 ms on a busy one, past the issue's 200 ms.
CREATE INDEX payments_end_to_end ON payments (end_to_end_identification);
CREATE INDEX payments_key_value ON payments (key_value) WHERE key_value IS NOT NULL;
CREATE INDEX payments_account ON payments (account_id, created_at, id);
