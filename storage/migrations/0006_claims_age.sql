-- Claims are kept for CLAIM_DAYS (storage/sqlite.py), long past any retried delivery or
-- double click, then pruned in the background: one is written per Slack delivery, so the
-- table grew without end. The index makes the pruning read only what it deletes.
CREATE INDEX claims_claimed_at ON claims (claimed_at);
