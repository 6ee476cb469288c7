-- entries.canonical_url held a copy of canonical_key that nothing read (issue 19): gone, and with it a key's worth of bytes per entry.
ALTER TABLE entries DROP COLUMN canonical_url;
