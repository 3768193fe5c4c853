-- Initial schema: films, reviews, snippets, releases, channel history and snippet search.

CREATE TABLE films (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    year         INTEGER,
    director     TEXT,
    cast_json    TEXT NOT NULL DEFAULT '[]',
    aliases_json TEXT NOT NULL DEFAULT '[]',
    norm_title   TEXT NOT NULL
);
-- NULL year is its own value: "Her" (unknown year) and "Her" (2013) are different films.
CREATE UNIQUE INDEX films_norm_title_year ON films (norm_title, COALESCE(year, -1));

CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY,
    film_id      INTEGER NOT NULL REFERENCES films (id),
    outlet       TEXT,
    critic       TEXT,
    url          TEXT,
    published    TEXT,
    rating       TEXT,
    text         TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    source       TEXT,
    added_at     TEXT NOT NULL
);
CREATE INDEX reviews_film ON reviews (film_id);

CREATE TABLE snippets (
    id          INTEGER PRIMARY KEY,
    review_id   INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    film_id     INTEGER NOT NULL REFERENCES films (id),
    kind        TEXT NOT NULL CHECK (kind IN ('excerpt', 'critic_quote', 'dialogue')),
    text        TEXT NOT NULL,
    span_start  INTEGER NOT NULL,
    span_end    INTEGER NOT NULL,
    critic      TEXT,
    outlet      TEXT,
    critic_norm TEXT,
    outlet_norm TEXT,
    score       REAL NOT NULL DEFAULT 0,
    spoiler     INTEGER NOT NULL DEFAULT 0 CHECK (spoiler IN (0, 1))
);
CREATE INDEX snippets_review ON snippets (review_id);
-- Weighted picks: each index is (filter, kind, id, score), so a filtered candidate list and
-- each random "first id >= probe" seek are answered from the index alone.
CREATE INDEX snippets_kind_pick ON snippets (kind, id, score);
CREATE INDEX snippets_film_pick ON snippets (film_id, kind, id, score);
CREATE INDEX snippets_critic_pick ON snippets (critic_norm, kind, id, score)
    WHERE critic_norm IS NOT NULL;
CREATE INDEX snippets_outlet_pick ON snippets (outlet_norm, kind, id, score)
    WHERE outlet_norm IS NOT NULL;

CREATE TABLE releases (
    id         INTEGER PRIMARY KEY,
    film_id    INTEGER NOT NULL REFERENCES films (id),
    review_id  INTEGER REFERENCES reviews (id) ON DELETE SET NULL,
    region     TEXT,
    year       INTEGER,
    month      INTEGER CHECK (month BETWEEN 1 AND 12),
    day        INTEGER CHECK (day BETWEEN 1 AND 31),
    event      TEXT NOT NULL CHECK (event IN
        ('premiere', 'festival', 'theatrical', 'home_media', 'streaming', 'tv', 'other')),
    span_start INTEGER,
    span_end   INTEGER
);
CREATE UNIQUE INDEX releases_dedup ON releases (
    film_id, COALESCE(region, ''), COALESCE(year, -1), COALESCE(month, -1), COALESCE(day, -1),
    event
);

CREATE TABLE channel_history (
    id         INTEGER PRIMARY KEY,
    channel    TEXT NOT NULL,
    snippet_id INTEGER NOT NULL,
    shown_at   TEXT NOT NULL
);
CREATE INDEX channel_history_channel ON channel_history (channel, id);
-- Keep only the newest 50 rows per channel, inside the same statement as the insert.
CREATE TRIGGER channel_history_trim AFTER INSERT ON channel_history BEGIN
    DELETE FROM channel_history
    WHERE channel = new.channel
      AND id <= (SELECT id FROM channel_history WHERE channel = new.channel
                 ORDER BY id DESC LIMIT 1 OFFSET 50);
END;

-- Full-text search. External content (no second copy of the text) read through a view that
-- adds the film title; triggers keep the index in sync. Films are never deleted while they
-- have snippets (no cascade on snippets.film_id), so the delete triggers can read the title.
CREATE VIEW snippet_search_source AS
    SELECT s.id AS id, s.text AS text, s.critic AS critic, s.outlet AS outlet,
           f.title AS film_title, 'f' || s.film_id AS film_key
    FROM snippets AS s JOIN films AS f ON f.id = s.film_id;

CREATE VIRTUAL TABLE snippets_fts USING fts5 (
    text, critic, outlet, film_title,
    film_key, -- 'f<film id>': lets a search filter by film inside the index
    content = 'snippet_search_source',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER snippets_fts_ai AFTER INSERT ON snippets BEGIN
    INSERT INTO snippets_fts (rowid, text, critic, outlet, film_title, film_key)
    VALUES (new.id, new.text, new.critic, new.outlet,
            (SELECT title FROM films WHERE id = new.film_id), 'f' || new.film_id);
END;

CREATE TRIGGER snippets_fts_ad AFTER DELETE ON snippets BEGIN
    INSERT INTO snippets_fts (snippets_fts, rowid, text, critic, outlet, film_title, film_key)
    VALUES ('delete', old.id, old.text, old.critic, old.outlet,
            (SELECT title FROM films WHERE id = old.film_id), 'f' || old.film_id);
END;

CREATE TRIGGER snippets_fts_au AFTER UPDATE OF text, critic, outlet, film_id ON snippets BEGIN
    INSERT INTO snippets_fts (snippets_fts, rowid, text, critic, outlet, film_title, film_key)
    VALUES ('delete', old.id, old.text, old.critic, old.outlet,
            (SELECT title FROM films WHERE id = old.film_id), 'f' || old.film_id);
    INSERT INTO snippets_fts (rowid, text, critic, outlet, film_title, film_key)
    VALUES (new.id, new.text, new.critic, new.outlet,
            (SELECT title FROM films WHERE id = new.film_id), 'f' || new.film_id);
END;

CREATE TRIGGER films_title_fts_au AFTER UPDATE OF title ON films
WHEN old.title IS NOT new.title BEGIN
    INSERT INTO snippets_fts (snippets_fts, rowid, text, critic, outlet, film_title, film_key)
    SELECT 'delete', id, text, critic, outlet, old.title, 'f' || film_id
    FROM snippets WHERE film_id = old.id;
    INSERT INTO snippets_fts (rowid, text, critic, outlet, film_title, film_key)
    SELECT id, text, critic, outlet, new.title, 'f' || film_id
    FROM snippets WHERE film_id = old.id;
END;
