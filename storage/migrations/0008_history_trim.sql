-- Channel history is trimmed to the newest rows per channel by the store, once per channel
-- in each batch it writes, instead of by a trigger on every row: with every pick written
-- (batched, behind the reply) the per-row DELETE was a third of the write's cost.
DROP TRIGGER channel_history_trim;
