-- Daily posts: one schedule per (platform, channel), and one row per (schedule, local date)
-- that a post must claim before it is sent. The primary key of daily_posts is the
-- exactly-once rule: restarts and several processes cannot both claim the same day.

CREATE TABLE schedules (
    id            INTEGER PRIMARY KEY,
    platform      TEXT NOT NULL,
    channel_id    TEXT NOT NULL,
    workspace_id  TEXT,
    local_time    TEXT NOT NULL,             -- 'HH:MM', wall-clock time in tz
    tz            TEXT NOT NULL,             -- IANA zone name
    film_id       INTEGER REFERENCES films (id) ON DELETE SET NULL,
    kind          TEXT NOT NULL DEFAULT 'any' CHECK (kind IN ('critic', 'excerpt', 'any')),
    on_this_day   INTEGER NOT NULL DEFAULT 0 CHECK (on_this_day IN (0, 1)),
    state         TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused', 'off')),
    paused_reason TEXT,                      -- 'admin' or 'failures' while paused
    next_date     TEXT NOT NULL,             -- local date of the next post, 'YYYY-MM-DD'
    next_due      TEXT NOT NULL,             -- its UTC instant, 'YYYY-MM-DDTHH:MM:SSZ'
    failures      INTEGER NOT NULL DEFAULT 0,-- consecutive failed attempts
    last_error    TEXT,
    last_error_kind TEXT,
    last_error_at TEXT,
    created_by    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (platform, channel_id)
);
CREATE INDEX schedules_due ON schedules (state, next_due);

CREATE TABLE daily_posts (
    schedule_id INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    local_date  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'skipped')),
    due_at      TEXT NOT NULL,
    snippet_id  INTEGER,
    cycle       INTEGER NOT NULL DEFAULT 0,  -- shuffle-bag round this pick belongs to
    owner       TEXT,                        -- the process holding the claim
    lease_until TEXT,                        -- a claim older than this has an unknown outcome
    claimed_at  TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    retry_at    TEXT,                        -- when a failed post may be tried again
    sent_at     TEXT,
    message_id  TEXT,
    error       TEXT,
    error_kind  TEXT,
    PRIMARY KEY (schedule_id, local_date)
) WITHOUT ROWID;
CREATE INDEX daily_posts_claimed ON daily_posts (lease_until) WHERE status = 'claimed';
CREATE INDEX daily_posts_retry ON daily_posts (retry_at) WHERE status = 'failed';
