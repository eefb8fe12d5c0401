-- The uploader (issue #11). DJP's approval code is kept next to the QR data; the outbox keeps
-- the SHA-256 of the faktur as queued, so a faktur changed after queuing is validated again
-- before it is sent.
ALTER TABLE faktur ADD COLUMN approval_code TEXT;
ALTER TABLE outbox ADD COLUMN payload_hash TEXT;
