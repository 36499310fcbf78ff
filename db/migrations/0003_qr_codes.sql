-- QR codes (issue 3): the PNG of qr_code_data, drawn once at creation (about 6 ms of CPU each,
-- so a page of 100 would cost over half a second if drawn on every read). NULL: drawn on the
-- next read and kept (e.g. a row imported without it).
ALTER TABLE qr_codes ADD COLUMN qr_code_image TEXT;
