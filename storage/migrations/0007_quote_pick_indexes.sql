-- Critic and outlet filters are only ever asked of critic quotes (/quote critic: outlet:),
-- but the indexes from 0001 held every snippet with a critic or outlet: excerpts carry
-- their review's. These hold critic quotes alone: at 100k reviews ~25 MB instead of ~84 MB,
-- small enough to keep in the page cache. (kind stays a column, though constant, so the
-- indexes cover the pick queries on SQLite before 3.41.) Queries name them with INDEXED BY
-- and write `kind = 'critic_quote'` as a literal: a bound parameter does not show SQLite
-- that the partial index holds every match.
DROP INDEX snippets_critic_pick;
DROP INDEX snippets_outlet_pick;
CREATE INDEX snippets_quote_critic ON snippets (critic_norm, kind, id, score)
    WHERE kind = 'critic_quote' AND critic_norm IS NOT NULL;
CREATE INDEX snippets_quote_outlet ON snippets (outlet_norm, kind, id, score)
    WHERE kind = 'critic_quote' AND outlet_norm IS NOT NULL;
