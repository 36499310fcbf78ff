-- The outbox and the attempt log number their rows with (SELECT MAX(seq) + 1 ...). Without an
-- index that is a scan of the whole table on every insert, so payments slowed down as events
-- piled up (285/s, then 56/s within a minute of load; measured by bench/run.mjs, issue 5).
CREATE INDEX webhook_events_seq ON webhook_events (seq);
CREATE INDEX webhook_deliveries_seq ON webhook_deliveries (seq);
CREATE INDEX fault_rules_seq ON fault_rules (seq);
