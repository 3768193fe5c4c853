-- Heartbeats: each running component (discord, slack, scheduler) records when it last showed
-- life, so `pullquote healthcheck` in another process can tell a live bot from a hung one.
CREATE TABLE heartbeats (
    component TEXT PRIMARY KEY,
    beat_at   TEXT NOT NULL,
    detail    TEXT
) WITHOUT ROWID;
