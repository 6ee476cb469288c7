-- Relevance model (issue 13): an imported issue's items keep their text, so `train` can learn from items no source stored.
ALTER TABLE issue_items ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE issue_items ADD COLUMN account TEXT;
-- A database this script upgrades was scored by a build before the model: its scores are keyword scores (tags + source
-- weight + links + recency; 1.25 the draft's old threshold), above every threshold of the model's 0–1 scale. They become
-- relevances as a build without a model makes one of a keyword score (KeywordRelevance: σ(score − 1.25), 1.25 → 0.5);
-- `train` rescores them with the model. (No PostgreSQL database predates this script: its twin has no such line.)
UPDATE entries SET score = 1.0 / (1.0 + exp(1.25 - score));
