-- The window a published issue covers, as the UTC range drafts select on ([window_from, window_to)): late arrivals.
-- While a published issue is the latest recorded one, an entry first seen after it was recorded and dated inside that
-- range is placed at window_to, the first instant of the next window (README, "A five-minute tour": late arrivals).
-- Imported issues, and issues published before this migration, leave it empty: nothing moves for them.
ALTER TABLE issues ADD COLUMN window_from TEXT;
ALTER TABLE issues ADD COLUMN window_to TEXT;
