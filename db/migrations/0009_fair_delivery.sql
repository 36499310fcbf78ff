-- Fair outgoing HTTP (issue 11 item 4): each receiver has its own queue, so the senders read
-- the due work of one URL (webhooks) or one entity (payment-authorization callbacks) at a time,
-- oldest first, and list the URLs and entities that have any. rowid breaks ties in the order the
-- rows were written, so both reads walk these indexes without sorting a backlog.
CREATE INDEX webhook_jobs_url_due ON webhook_jobs (url, next_attempt_ms) WHERE state = 'pending';
CREATE INDEX payment_authorization_requests_entity_due ON payment_authorization_requests (entity_id, next_attempt_ms) WHERE state = 'pending';
