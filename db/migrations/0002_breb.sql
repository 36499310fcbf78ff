-- Bre-B money movement (issue 3): keys, resolutions, recipients, payments, QR codes, webhooks.

CREATE TABLE keys (
  id            TEXT PRIMARY KEY,
  entity_id     TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  customer_id   TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  key_type      TEXT NOT NULL CHECK (key_type IN ('ID', 'PHONE', 'EMAIL', 'ALPHA', 'BCODE')),
  key_value     TEXT NOT NULL,
  display_name  TEXT,
  status        TEXT NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED')),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
-- One national directory: a live value is unique across every entity (deleted keys are gone).
CREATE UNIQUE INDEX keys_value ON keys (key_value);
CREATE INDEX keys_entity ON keys (entity_id, created_at, id);

-- Behaviour of reserved key values (CONTRACT §6), kept as data so QA can see it.
CREATE TABLE magic_keys (
  key_type    TEXT NOT NULL,
  key_value   TEXT NOT NULL,
  behaviour   TEXT NOT NULL CHECK (behaviour IN ('unresolvable', 'reject', 'hold')),
  error_code  TEXT,
  PRIMARY KEY (key_type, key_value)
);

CREATE TABLE resolutions (
  id                   TEXT PRIMARY KEY,
  entity_id            TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  customer_id          TEXT NOT NULL,
  recipient_id         TEXT,
  key_type             TEXT NOT NULL,
  key_value            TEXT NOT NULL,
  receiver_account_id  TEXT,            -- the account behind the key when it is registered here
  owner                TEXT NOT NULL,   -- JSON snapshot
  participant          TEXT NOT NULL,   -- JSON snapshot
  account              TEXT NOT NULL,   -- JSON snapshot: account_type, account_number
  receptor_node        TEXT NOT NULL,
  resolved_at          TEXT NOT NULL,
  expires_at           TEXT NOT NULL,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL
);
CREATE INDEX resolutions_entity ON resolutions (entity_id, created_at, id);

CREATE TABLE recipients (
  id                           TEXT PRIMARY KEY,
  entity_id                    TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  customer_id                  TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  type                         TEXT NOT NULL CHECK (type IN ('BREB', 'ACH')),
  alias                        TEXT,
  key_type                     TEXT,
  key_value                    TEXT,
  owner                        TEXT,    -- JSON, ACH only
  identification_number        TEXT,    -- owner's, for the list filter
  account_type                 TEXT,
  account_number               TEXT,
  bank_name                    TEXT,
  created_at                   TEXT NOT NULL,
  updated_at                   TEXT NOT NULL
);
CREATE INDEX recipients_entity ON recipients (entity_id, created_at, id);

CREATE TABLE payments (
  id                            TEXT PRIMARY KEY,
  entity_id                     TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  account_id                    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  customer_id                   TEXT NOT NULL,
  direction                     TEXT NOT NULL CHECK (direction IN ('OUTBOUND', 'INBOUND')),
  type                          TEXT NOT NULL CHECK (type IN ('BREB')),
  status                        TEXT NOT NULL CHECK (status IN ('PROCESSING', 'SETTLED', 'REJECTED')),
  resolution_id                 TEXT,
  amount_minor                  TEXT NOT NULL CHECK (amount_minor <> '' AND amount_minor NOT GLOB '*[^0-9]*'),
  qr_code_reference             TEXT NOT NULL DEFAULT '',
  end_to_end_identification     TEXT NOT NULL,
  receiver                      TEXT NOT NULL,   -- JSON
  sender                        TEXT NOT NULL,   -- JSON
  key_type                      TEXT,
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
  updated_at                    TEXT NOT NULL
);
-- At most one payment per resolution (CONTRACT §4).
CREATE UNIQUE INDEX payments_resolution ON payments (resolution_id) WHERE direction = 'OUTBOUND';
CREATE INDEX payments_entity ON payments (entity_id, created_at, id);
CREATE INDEX payments_due ON payments (settle_at) WHERE status = 'PROCESSING';

CREATE TABLE qr_codes (
  id                 TEXT PRIMARY KEY,
  entity_id          TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  customer_id        TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  key_id             TEXT NOT NULL,
  key_type           TEXT NOT NULL,
  key_value          TEXT NOT NULL,
  type               TEXT NOT NULL CHECK (type IN ('STATIC', 'DYNAMIC')),
  status             TEXT NOT NULL,
  channel            TEXT NOT NULL,
  qr_code_reference  TEXT NOT NULL,
  body               TEXT NOT NULL,   -- JSON: amount, vat, inc, tip, additional_info, merchant
  qr_code_data       TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);
CREATE INDEX qr_codes_entity ON qr_codes (entity_id, created_at, id);

-- Webhooks (CONTRACT §4): endpoints added through /_mock, events written in the same
-- transaction as the change they report, and one job per event and endpoint until delivered.
CREATE TABLE webhook_endpoints (
  id          TEXT PRIMARY KEY,
  url         TEXT NOT NULL,
  secret      TEXT NOT NULL,
  mode        TEXT NOT NULL CHECK (mode IN ('once', 'retry')),
  events      TEXT,                   -- JSON array; NULL: every event
  entity_id   TEXT,                   -- NULL: every entity
  created_at  TEXT NOT NULL
);

CREATE TABLE webhook_events (
  id          TEXT PRIMARY KEY,
  entity_id   TEXT NOT NULL,
  type        TEXT NOT NULL,
  body        TEXT NOT NULL,          -- the exact JSON that is signed and sent
  created_at  TEXT NOT NULL,
  seq         INTEGER NOT NULL
);

CREATE TABLE webhook_jobs (
  id               TEXT PRIMARY KEY,
  event_id         TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  endpoint_id      TEXT NOT NULL,     -- 'env' for WEBHOOK_URL
  url              TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms  INTEGER NOT NULL,  -- real time (CONTRACT §5: retry waits are real time)
  state            TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed'))
);
CREATE INDEX webhook_jobs_due ON webhook_jobs (next_attempt_ms) WHERE state = 'pending';

CREATE TABLE webhook_deliveries (
  id           TEXT PRIMARY KEY,
  job_id       TEXT NOT NULL,
  event_id     TEXT NOT NULL,
  type         TEXT NOT NULL,
  url          TEXT NOT NULL,
  attempt      INTEGER NOT NULL,
  status       INTEGER,               -- the receiver's HTTP status, when it answered
  error        TEXT,
  at           TEXT NOT NULL,
  seq          INTEGER NOT NULL
);
