-- A request answered through permanent redirects that its source kind remembers (a renamed GitHub repository): the
-- address later polls ask first, and what the operator is told about it (`owner/repo moved to …; update sources.json`).
ALTER TABLE http_validators ADD COLUMN moved_to TEXT;
ALTER TABLE http_validators ADD COLUMN moved_note TEXT;
