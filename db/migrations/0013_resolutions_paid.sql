-- Issue 15 (pruned storage, issue 11 item 7): retention never deletes a resolution a payment
-- names, and found the ones it may delete by reading expired resolutions in expiry order and
-- skipping the paid ones. Every paid resolution that had expired was read again on every pass,
-- once a second: about 0.35 s a pass with 200,000 of them, a stall of the event loop that grew with
-- every payment a shared instance took. `paid` marks a resolution an OUTBOUND payment names,
-- kept by triggers on payments whatever writes them (the API, a state import, a seed), and the
-- expiry index now holds only unpaid resolutions, the only ones retention may delete. Retention
-- still checks for the payment itself before it deletes: the mark only spares the reading.
-- Payments are never updated to name another resolution, and deleted only with their
-- resolutions (a reset, an import, an entity's cascade), so no trigger takes the mark back.
ALTER TABLE resolutions ADD COLUMN paid INTEGER NOT NULL DEFAULT 0;
UPDATE resolutions SET paid = 1
  WHERE id IN (SELECT resolution_id FROM payments WHERE direction = 'OUTBOUND' AND resolution_id IS NOT NULL);
DROP INDEX resolutions_expires;
CREATE INDEX resolutions_unpaid_expires ON resolutions (expires_at) WHERE paid = 0;
CREATE TRIGGER payments_pay_resolution AFTER INSERT ON payments
  WHEN NEW.direction = 'OUTBOUND' AND NEW.resolution_id IS NOT NULL
BEGIN
  UPDATE resolutions SET paid = 1 WHERE id = NEW.resolution_id;
END;
