-- The markdown of a recorded issue as it went out: the draft rendered at publish (dated the issue date), or the imported
-- file. `issue DATE` and GET /issues/{date}.md give it back (an editor who pressed Publish before copying the
-- draft, a later look at what was sent). Issues recorded before this migration have none.
ALTER TABLE issues ADD COLUMN markdown TEXT;
