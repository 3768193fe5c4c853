-- Claim keys: a key can be claimed once, across connections and processes (idempotent posts,
-- retried requests, the scheduler's (schedule, local date) rule).
CREATE TABLE claims (
    key        TEXT PRIMARY KEY,
    claimed_at TEXT NOT NULL
) WITHOUT ROWID;
