-- Issue 15 (pruned storage, issue 11 item 7), as 0013 did for resolutions: retention never deletes
-- an event with a job still pending, and found the ones it may delete by reading old events in
-- order and skipping those. With an endpoint that keeps failing in retry mode (12 retries with
-- doubling waits: over an hour at the default WEBHOOK_RETRY_BASE_MS, weeks at its largest), every
-- pending event below the cap or past the age was read again on every pass, once a second.
-- `pending_jobs` counts an event's pending jobs, kept by triggers on webhook_jobs whatever writes
-- them (emit, a send's outcome, an endpoint's removal, a reset), and the indexes retention reads
-- hold only events with none. Retention still looks for a pending job before it deletes.
ALTER TABLE webhook_events ADD COLUMN pending_jobs INTEGER NOT NULL DEFAULT 0;
UPDATE webhook_events
  SET pending_jobs = (SELECT COUNT(*) FROM webhook_jobs j WHERE j.event_id = webhook_events.id AND j.state = 'pending')
  WHERE id IN (SELECT event_id FROM webhook_jobs WHERE state = 'pending');
DROP INDEX webhook_events_created;
CREATE INDEX webhook_events_ended_created ON webhook_events (created_at) WHERE pending_jobs = 0;
CREATE INDEX webhook_events_ended_seq ON webhook_events (seq) WHERE pending_jobs = 0;
CREATE TRIGGER webhook_jobs_pending_insert AFTER INSERT ON webhook_jobs
  WHEN NEW.state = 'pending'
BEGIN
  UPDATE webhook_events SET pending_jobs = pending_jobs + 1 WHERE id = NEW.event_id;
END;
CREATE TRIGGER webhook_jobs_pending_update AFTER UPDATE OF state, event_id ON webhook_jobs
  WHEN (OLD.state = 'pending') <> (NEW.state = 'pending') OR (OLD.event_id <> NEW.event_id AND OLD.state = 'pending')
BEGIN
  UPDATE webhook_events SET pending_jobs = pending_jobs - 1 WHERE id = OLD.event_id AND OLD.state = 'pending';
  UPDATE webhook_events SET pending_jobs = pending_jobs + 1 WHERE id = NEW.event_id AND NEW.state = 'pending';
END;
CREATE TRIGGER webhook_jobs_pending_delete AFTER DELETE ON webhook_jobs
  WHEN OLD.state = 'pending'
BEGIN
  UPDATE webhook_events SET pending_jobs = pending_jobs - 1 WHERE id = OLD.event_id;
END;
