-- Pruned storage (issue 11 item 7): the sweeper deletes old journal-like rows in small batches,
-- oldest first. These indexes let each batch find its rows without scanning a table, and let a
-- deleted event take its jobs with it (ON DELETE CASCADE looks jobs up by event_id).
CREATE INDEX tokens_expires ON tokens (expires_at);
CREATE INDEX resolutions_expires ON resolutions (expires_at);
CREATE INDEX webhook_jobs_event ON webhook_jobs (event_id);
CREATE INDEX webhook_events_created ON webhook_events (created_at);
CREATE INDEX webhook_deliveries_at ON webhook_deliveries (at);
CREATE INDEX payment_authorization_attempts_at ON payment_authorization_attempts (at);
