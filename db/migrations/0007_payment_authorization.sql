-- Payment authorization (tracker issue 10 §2; https://docs.passportfintech.com/EN/payment-authorization-feature):
-- an entity's callback that accepts or rejects each inbound payment before it settles.
-- Only new tables: the payments table is not rebuilt (another migration of the same release
-- changes it), and nothing here names a migration number.

-- One configuration per entity: the docs' "Callback URL", "Secret Token" and "Auto Approve Error".
CREATE TABLE payment_authorization_configs (
  entity_id           TEXT PRIMARY KEY REFERENCES entities (id) ON DELETE CASCADE,
  url                 TEXT NOT NULL,
  secret              TEXT NOT NULL,
  auto_approve_error  INTEGER NOT NULL CHECK (auto_approve_error IN (0, 1)),
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);

-- One question per INBOUND payment that waits for its entity's callback (STYLE rule 3: later
-- work is a row with a due time). payment_id is the INBOUND record; outbound_payment_id the
-- payer's OUTBOUND record when the payer is an account of the mock (NULL for an outside bank).
-- The row stays after the decision, saying how the payment was decided.
CREATE TABLE payment_authorization_requests (
  id                   TEXT PRIMARY KEY,
  entity_id            TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  payment_id           TEXT NOT NULL UNIQUE REFERENCES payments (id) ON DELETE CASCADE,
  outbound_payment_id  TEXT REFERENCES payments (id) ON DELETE CASCADE,
  attempts             INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms      INTEGER NOT NULL,     -- real time, like webhook jobs: the callback is network work
  state                TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
  decided_by           TEXT CHECK (decided_by IS NULL OR decided_by IN ('callback', 'auto_approve_error', 'error', 'control', 'no_configuration')),
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL
);
CREATE INDEX payment_authorization_requests_due ON payment_authorization_requests (next_attempt_ms) WHERE state = 'pending';
CREATE INDEX payment_authorization_requests_outbound ON payment_authorization_requests (outbound_payment_id) WHERE outbound_payment_id IS NOT NULL;

-- Every callback attempt with its answer or error and how long it took: delivery history, like
-- webhook_deliveries (cleared by a reset and an import, never exported).
CREATE TABLE payment_authorization_attempts (
  id           TEXT PRIMARY KEY,
  request_id   TEXT NOT NULL,
  payment_id   TEXT NOT NULL,
  entity_id    TEXT NOT NULL,
  url          TEXT NOT NULL,
  attempt      INTEGER NOT NULL,
  status       INTEGER,                -- the callback's HTTP status, when it answered
  response     TEXT,                   -- the start of the answer's body, as received
  accept       INTEGER CHECK (accept IS NULL OR accept IN (0, 1)),   -- the answer's "accept", when well-formed
  error        TEXT,                   -- why the answer did not count: network error, timeout, status, body
  duration_ms  INTEGER NOT NULL,
  decision     TEXT CHECK (decision IS NULL OR decision IN ('approved', 'rejected')),   -- NULL: the payment was decided meanwhile
  at           TEXT NOT NULL,
  seq          INTEGER NOT NULL
);
CREATE INDEX payment_authorization_attempts_seq ON payment_authorization_attempts (seq);
