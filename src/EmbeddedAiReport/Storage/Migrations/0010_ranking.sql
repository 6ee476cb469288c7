-- Relevance model (issue 13): an imported issue's items keep their text, so `train` can learn from items no source stored.
ALTER TABLE issue_items ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE issue_items ADD COLUMN account TEXT;
