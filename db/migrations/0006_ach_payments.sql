-- ACH payments (tracker issue 10 §1; https://docs.passportfintech.com/EN/initiate-ach-payment):
-- a payment of type ACH to an ACH recipient, PENDING until it settles or is rejected.
--
-- The CHECKs of payments (0002_breb.sql) only allow type BREB and three statuses, and SQLite
-- cannot alter a CHECK, so the table is rebuilt as SQLite documents it (sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"): create the new table, copy, drop the old one,
-- rename, and create its indexes again (0002, 0005). No other table references payments, so the
-- drop leaves no dangling foreign key; the whole migration is one transaction (src/database/migrate.ts).
CREATE TABLE payments_new (
  id                            TEXT PRIMARY KEY,
  entity_id                     TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  account_id                    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  customer_id                   TEXT NOT NULL,
  direction                     TEXT NOT NULL CHECK (direction IN ('OUTBOUND', 'INBOUND')),
  type                          TEXT NOT NULL CHECK (type IN ('BREB', 'ACH')),
  status                        TEXT NOT NULL CHECK (status IN ('PENDING', 'PROCESSING', 'SETTLED', 'REJECTED')),
  resolution_id                 TEXT,
  amount_minor                  TEXT NOT NULL CHECK (amount_minor <> '' AND amount_minor NOT GLOB '*[^0-9]*'),
  qr_code_reference             TEXT NOT NULL DEFAULT '',
  end_to_end_identification     TEXT NOT NULL,
  receiver                      TEXT NOT NULL,   -- JSON
  sender                        TEXT NOT NULL,   -- JSON
  key_type                      TEXT,            -- BREB receivers only
  key_value                     TEXT,
  sender_type                   TEXT,
  sender_name                   TEXT,
  sender_identification_type    TEXT,
  sender_identification_number  TEXT,
  sender_account_type           TEXT,
  sender_account_number         TEXT,
  receiver_account_id           TEXT,            -- internal receiver, credited at settlement
  outcome                       TEXT NOT NULL DEFAULT 'settle' CHECK (outcome IN ('settle', 'reject', 'hold')),
  outcome_error_code            TEXT,
  settle_at                     TEXT,            -- due time on the mock's clock
  error_code                    TEXT,
  error_description             TEXT,
  created_at                    TEXT NOT NULL,
  updated_at                    TEXT NOT NULL,
  recipient_id                  TEXT,            -- ACH: the ACH recipient paid
  description                   TEXT,            -- ACH: the payer's free text, when sent
  -- An ACH payment names its recipient and is never PROCESSING; a Bre-B one is never PENDING.
  CHECK (type = 'BREB' OR (recipient_id IS NOT NULL AND status <> 'PROCESSING')),
  CHECK (type = 'ACH' OR status <> 'PENDING')
);

INSERT INTO payments_new (id, entity_id, account_id, customer_id, direction, type, status, resolution_id, amount_minor, qr_code_reference,
  end_to_end_identification, receiver, sender, key_type, key_value, sender_type, sender_name, sender_identification_type,
  sender_identification_number, sender_account_type, sender_account_number, receiver_account_id, outcome, outcome_error_code,
  settle_at, error_code, error_description, created_at, updated_at)
SELECT id, entity_id, account_id, customer_id, direction, type, status, resolution_id, amount_minor, qr_code_reference,
  end_to_end_identification, receiver, sender, key_type, key_value, sender_type, sender_name, sender_identification_type,
  sender_identification_number, sender_account_type, sender_account_number, receiver_account_id, outcome, outcome_error_code,
  settle_at, error_code, error_description, created_at, updated_at
FROM payments ORDER BY rowid;

DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;

-- At most one payment per resolution (CONTRACT §4; 0002).
CREATE UNIQUE INDEX payments_resolution ON payments (resolution_id) WHERE direction = 'OUTBOUND';
CREATE INDEX payments_entity ON payments (entity_id, created_at, id);
-- Settlement reads the due payments ORDER BY settle_at, id (0005); ACH payments wait as PENDING.
CREATE INDEX payments_due ON payments (settle_at, id) WHERE status IN ('PROCESSING', 'PENDING');

-- Reserved ACH recipient account numbers (STYLE rule 12: magic values are data, from the
-- fixtures), like magic_keys for Bre-B: a payment to one is rejected with its code, or held.
CREATE TABLE magic_ach_accounts (
  account_number  TEXT PRIMARY KEY,
  behaviour       TEXT NOT NULL CHECK (behaviour IN ('reject', 'hold')),
  error_code      TEXT,
  CHECK ((behaviour = 'reject') = (error_code IS NOT NULL))
);
