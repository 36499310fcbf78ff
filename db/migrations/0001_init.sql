-- passport-mock schema, first version. Append-only: a shipped migration is never edited.
-- Timestamps are ISO 8601 UTC text with milliseconds and Z (fixed width, so they sort as text).
-- Money is TEXT minor units (INTEGER overflows: 9x10^18 cents sit in the fixtures).

CREATE TABLE entities (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

CREATE TABLE clients (
  client_id      TEXT PRIMARY KEY,
  entity_id      TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  client_secret  TEXT NOT NULL,
  scopes         TEXT NOT NULL,          -- JSON array, as granted (families allowed)
  created_at     TEXT NOT NULL
);
CREATE INDEX clients_entity ON clients (entity_id);

CREATE TABLE tokens (
  id          TEXT PRIMARY KEY,
  entity_id   TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  client_id   TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
  token_hash  TEXT NOT NULL UNIQUE,      -- SHA-256 hex of the access token; the token itself is never stored
  scopes      TEXT NOT NULL,             -- JSON array, expanded
  roles       TEXT NOT NULL,             -- JSON array
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  revoked_at  TEXT
);
CREATE INDEX tokens_entity ON tokens (entity_id, created_at, id);

CREATE TABLE customers (
  id                      TEXT PRIMARY KEY,
  entity_id               TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  type                    TEXT NOT NULL CHECK (type IN ('BUSINESS')),
  status                  TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
  business_name           TEXT NOT NULL,
  email                   TEXT NOT NULL,
  mobile_phone_number     TEXT NOT NULL,
  identification_type     TEXT NOT NULL,
  identification_number   TEXT NOT NULL,
  merchant_category_code  TEXT NOT NULL,
  address_line_1          TEXT NOT NULL,
  address_line_2          TEXT,
  address_line_3          TEXT,
  address_city            TEXT NOT NULL,
  address_state           TEXT NOT NULL,
  address_post_code       TEXT NOT NULL,
  address_country         TEXT NOT NULL,
  created_at              TEXT NOT NULL,
  updated_at              TEXT NOT NULL,
  UNIQUE (entity_id, identification_number),
  UNIQUE (entity_id, email)
);
CREATE INDEX customers_entity ON customers (entity_id, created_at, id);

CREATE TABLE accounts (
  id               TEXT PRIMARY KEY,
  entity_id        TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  customer_id      TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  account_number   TEXT NOT NULL,
  account_type     TEXT NOT NULL CHECK (account_type IN ('ORDINARY', 'LOW_VALUE')),
  status           TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE', 'BLOCKED', 'CLOSED')),
  available_minor  TEXT NOT NULL CHECK (available_minor <> '' AND available_minor NOT GLOB '*[^0-9]*'),
  pending_minor    TEXT NOT NULL CHECK (pending_minor <> '' AND pending_minor NOT GLOB '*[^0-9]*'),
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  UNIQUE (entity_id, account_number)
);
CREATE INDEX accounts_entity ON accounts (entity_id, created_at, id);
CREATE INDEX accounts_customer ON accounts (customer_id);

-- Fault rules (CONTRACT §5). Built-in rules come from the fixtures and come back on reset.
CREATE TABLE fault_rules (
  id          TEXT PRIMARY KEY,
  builtin     INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
  method      TEXT,
  path        TEXT,
  account_id  TEXT,
  key_value   TEXT,
  status      INTEGER CHECK (status IS NULL OR status BETWEEN 400 AND 599),
  code        TEXT,
  message     TEXT,
  delay_ms    INTEGER CHECK (delay_ms IS NULL OR delay_ms BETWEEN 0 AND 60000),
  times_left  INTEGER,                  -- NULL: always
  created_at  TEXT NOT NULL,
  seq         INTEGER NOT NULL          -- creation order: the oldest matching rule answers
);
