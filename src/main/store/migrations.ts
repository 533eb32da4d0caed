// Schema migrations, in order; user_version counts how many have run.
// Never edit a released step: add a new one (and a test in migrations.test.ts).
//
// Two databases: the log index (index.sqlite, or the CLI's --db: rebuildable
// from the logs) and the workbench's sessions (sessions.sqlite: the user's
// work, written with full durability).

export const INDEX_MIGRATIONS: readonly string[] = [
  // 1: the per-log event index.
  `
  CREATE TABLE logs (
    log_id       INTEGER PRIMARY KEY,
    path         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    mtime_ms     REAL NOT NULL,
    fingerprint  TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('ingesting', 'complete')),
    owner_pid    INTEGER,
    event_count  INTEGER,
    line_count   INTEGER,
    thread_count INTEGER,
    -- the first event whose allocator canonicalization makes the reference fail (JSON {line, message}), or NULL
    canon_crash  TEXT,
    ingested_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX logs_by_content ON logs (fingerprint, size);

  CREATE TABLE threads (
    log_id               INTEGER NOT NULL REFERENCES logs (log_id) ON DELETE CASCADE,
    thread_no            INTEGER NOT NULL, -- order of first appearance in the log
    tid_key              TEXT NOT NULL,    -- Python dict identity of the tid (1 == 1.0 == true)
    tid_json             TEXT NOT NULL,    -- the first-seen tid, exact
    event_count          INTEGER NOT NULL,
    first_line           INTEGER NOT NULL,
    first_call_line      INTEGER,          -- line of the thread's first kernel.call
    first_call_name_json TEXT,             -- its payload.name, exact (NULL: none or None)
    first_call_crash     TEXT,             -- why reading that name makes the reference fail
    first_idx            REAL,
    last_idx             REAL,
    PRIMARY KEY (log_id, thread_no)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX threads_by_tid ON threads (log_id, tid_key);

  -- Events of one thread in runs of BLOCK_SIZE, by position; the data column packs
  -- per-event keys (see eventBlock.ts), the log itself stays on disk.
  CREATE TABLE blocks (
    block_id    INTEGER PRIMARY KEY,
    log_id      INTEGER NOT NULL REFERENCES logs (log_id) ON DELETE CASCADE,
    thread_no   INTEGER NOT NULL,
    block_no    INTEGER NOT NULL,
    event_count INTEGER NOT NULL,
    first_idx   REAL,
    last_idx    REAL,
    sum_canon   TEXT NOT NULL, -- hash over the block's canonicalized event hashes
    sum_raw     TEXT NOT NULL,
    any_flags   INTEGER NOT NULL,
    data        BLOB NOT NULL
  );
  CREATE UNIQUE INDEX blocks_by_position ON blocks (log_id, thread_no, block_no);
  `,
  // 2: workbench sessions (the two logs, settings, where the user was).
  `
  CREATE TABLE sessions (
    session_id         TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    canary_path        TEXT NOT NULL,
    canary_fingerprint TEXT,
    canary_size        INTEGER,
    ours_path          TEXT NOT NULL,
    ours_fingerprint   TEXT,
    ours_size          INTEGER,
    canonicalize       INTEGER NOT NULL DEFAULT 1,
    tid_map            TEXT,  -- JSON [[canary tid, ours tid], ...] (exact JSON texts), NULL: automatic
    place              TEXT,  -- JSON {pairKey, position}
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    opened_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX sessions_by_opened ON sessions (opened_at);
  `,
  // 3: sessions moved to their own database (sessions.sqlite), written with full durability.
  `
  DROP INDEX IF EXISTS sessions_by_opened;
  DROP TABLE IF EXISTS sessions;
  `,
  // 4: blocks of 1024 events (format 2) instead of 4096: logs indexed before are indexed again on next use.
  `
  DELETE FROM blocks;
  DELETE FROM threads;
  DELETE FROM logs;
  `,
  // 5: keyed 128-bit event keys without tid_event_idx (block format 3), under a secret drawn
  // once per index; logs indexed before are indexed again on next use.
  `
  CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
  );
  INSERT INTO meta (name, value) VALUES ('hash_secret', randomblob(16));
  DELETE FROM blocks;
  DELETE FROM threads;
  DELETE FROM logs;
  `,
  // 6: kept alignments of pairs of threads (align/alignPair.ts), per key setting and aligner version.
  `
  CREATE TABLE alignments (
    canary_log     INTEGER NOT NULL REFERENCES logs (log_id) ON DELETE CASCADE,
    canary_thread  INTEGER NOT NULL,
    ours_log       INTEGER NOT NULL REFERENCES logs (log_id) ON DELETE CASCADE,
    ours_thread    INTEGER NOT NULL,
    keys           TEXT NOT NULL,    -- what the event keys were derived with
    version        INTEGER NOT NULL, -- the aligner's (ALIGNER_VERSION)
    aligned        INTEGER NOT NULL, -- 1: realigned to both ends
    stopped_canary INTEGER,          -- where it gave up, if it did
    stopped_ours   INTEGER,
    cost           INTEGER NOT NULL,
    hunks          BLOB NOT NULL,    -- float64 × 5 per hunk: op, canary start, end, ours start, end
    PRIMARY KEY (canary_log, canary_thread, ours_log, ours_thread, keys, version)
  ) WITHOUT ROWID;
  CREATE INDEX alignments_by_ours ON alignments (ours_log);
  `,
  // 7: blocks carry a checksum (block format 4): logs indexed before are indexed again on next use.
  `
  DELETE FROM alignments;
  DELETE FROM blocks;
  DELETE FROM threads;
  DELETE FROM logs;
  `,
  // 8: logs found changed since they were indexed (the bytes read back are not what was indexed):
  // never reused, removed at the next start (an open session may still hold their blocks).
  `
  CREATE TABLE stale_logs (
    log_id INTEGER PRIMARY KEY REFERENCES logs (log_id) ON DELETE CASCADE
  );
  `,
  // 9: a log indexed up to its last complete line (--accept-truncated): the line cut short, left out.
  // Such an index serves only opens that accept a cut log; the others read the log and fail as the reference does.
  `
  ALTER TABLE logs ADD COLUMN cut_line INTEGER;
  `,
  // 10: a summary of each thread's whole stream (store/threadFeatures.ts: call-name shingles, name counts,
  // first calls) for the similarity mapping. Logs indexed before have none: indexed again on next use.
  `
  CREATE TABLE thread_features (
    log_id    INTEGER NOT NULL REFERENCES logs (log_id) ON DELETE CASCADE,
    thread_no INTEGER NOT NULL,
    shingles  BLOB NOT NULL, -- int32 LE × 128: the MinHash bins of the call-name 3-grams (one permutation hashing)
    summary   TEXT NOT NULL, -- JSON {calls, names, otherCalls, firstCalls, entry}
    PRIMARY KEY (log_id, thread_no)
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO stale_logs (log_id) SELECT log_id FROM logs;
  `,
  // 11: compressed logs (gzip, zstd), indexed in their decompressed bytes and read back from a
  // decompressed copy beside the index (store/readBackCopies.ts). NULL: a plain log, whose content is its size.
  `
  ALTER TABLE logs ADD COLUMN compression TEXT CHECK (compression IN ('gzip', 'zstd'));
  ALTER TABLE logs ADD COLUMN content_size INTEGER;
  `,
  // 12: the search index of a log (search/, docs/search.md), built on the first search: per thread,
  // path and segment of 65,536 events, one column of the leaves found there. A log's row in
  // search_logs says its columns are complete; everything goes with the log.
  `
  CREATE TABLE search_logs (
    log_id   INTEGER PRIMARY KEY REFERENCES logs (log_id) ON DELETE CASCADE,
    format   INTEGER NOT NULL, -- search/columns.ts SEARCH_FORMAT: another is built again
    events   INTEGER NOT NULL,
    bytes    INTEGER NOT NULL, -- what the columns take
    build_ms REAL NOT NULL,
    built_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE TABLE search_segments (
    log_id    INTEGER NOT NULL REFERENCES logs (log_id) ON DELETE CASCADE,
    thread_no INTEGER NOT NULL,
    segment   INTEGER NOT NULL,
    events    INTEGER NOT NULL,
    overflow  INTEGER NOT NULL, -- 1: some leaves are not filed (too deep, too many paths): read to search
    PRIMARY KEY (log_id, thread_no, segment)
  ) WITHOUT ROWID;
  -- dict comes before the blobs: a text search reads the dictionaries of every column and the
  -- blobs of only those that hold the text (a row is read up to the last column asked for).
  CREATE TABLE search_columns (
    column_id INTEGER PRIMARY KEY,
    log_id    INTEGER NOT NULL REFERENCES logs (log_id) ON DELETE CASCADE,
    thread_no INTEGER NOT NULL,
    path      TEXT NOT NULL,    -- payload.args_resolved.a1 (decoded keys)
    keys      TEXT NOT NULL,    -- the raw key texts along it, JSON
    segment   INTEGER NOT NULL,
    count     INTEGER NOT NULL, -- leaves
    encoding  INTEGER NOT NULL, -- search/columns.ts ENC_*
    charset   BLOB,
    dict      TEXT,             -- the distinct raw tokens, NUL-separated (an integer column: its base)
    dict_crc  INTEGER NOT NULL,
    positions BLOB,             -- NULL: one leaf per event of the segment
    data      BLOB NOT NULL,
    crc       INTEGER NOT NULL  -- of positions and data
  );
  CREATE UNIQUE INDEX search_columns_by_path ON search_columns (log_id, thread_no, path, keys, segment);
  `,
  // 13: what each event's fields are (store/fieldBlocks.ts), so that a rule set's keys are derived from the
  // index, not the logs; an entry's hash now holds its value's own hash, so every key changes. Logs indexed
  // before have no fields: indexed again on next use (as in 10), their alignments dropped now.
  `
  DELETE FROM alignments;
  INSERT OR IGNORE INTO stale_logs (log_id) SELECT log_id FROM logs;
  CREATE TABLE field_blocks (
    field_block_id INTEGER PRIMARY KEY,
    log_id         INTEGER NOT NULL REFERENCES logs (log_id) ON DELETE CASCADE,
    thread_no      INTEGER NOT NULL,
    block_no       INTEGER NOT NULL, -- the events of blocks (log_id, thread_no, block_no)
    data           BLOB NOT NULL     -- each event's kind id, payload shape and top-level entry ids
  );
  CREATE UNIQUE INDEX field_blocks_by_position ON field_blocks (log_id, thread_no, block_no);
  CREATE TABLE field_dict (
    log_id      INTEGER NOT NULL REFERENCES logs (log_id) ON DELETE CASCADE,
    chunk_no    INTEGER NOT NULL,
    entry_start INTEGER NOT NULL, -- the id of the chunk's first entry
    child_start INTEGER NOT NULL, -- the offset of its first child word
    entries     BLOB NOT NULL,    -- six u32 words an entry: key id, value hash (4), child reference
    children    BLOB NOT NULL,    -- an object's entry count, then its entries' ids in key order
    PRIMARY KEY (log_id, chunk_no)
  );
  CREATE TABLE field_names (
    log_id INTEGER PRIMARY KEY REFERENCES logs (log_id) ON DELETE CASCADE,
    keys   TEXT NOT NULL, -- JSON array: the payload keys by id
    kinds  TEXT NOT NULL  -- JSON array: each kind's exact JSON by id
  );
  `,
  // 14: a string tid holding a lone surrogate (a JSON "\udcff") is keyed by its JSON text (py/value.ts
  // pyHashKey): SQLite TEXT had turned it into U+FFFD, so its thread was not found. Logs with such a key
  // (or a real U+FFFD: the two cannot be told apart) are never reused, and removed at the next start.
  `
  INSERT OR IGNORE INTO stale_logs (log_id) SELECT DISTINCT log_id FROM threads WHERE instr(tid_key, char(65533)) > 0;
  `,
  // 15: position-independent summaries of each thread's keys (store/keyChunks.ts), stored with the
  // block each chunk ends in, apart from the blocks so that the alignment reads them without the
  // blocks' data. Logs indexed before have none: indexed again on next use (their alignments go with them).
  `
  CREATE TABLE block_chunks (
    log_id    INTEGER NOT NULL REFERENCES logs (log_id) ON DELETE CASCADE,
    thread_no INTEGER NOT NULL,
    block_no  INTEGER NOT NULL,
    data      BLOB NOT NULL, -- the chunks that end in this block (keyChunks.ts)
    PRIMARY KEY (log_id, thread_no, block_no)
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO stale_logs (log_id) SELECT log_id FROM logs;
  `,
  // 16: a denser index for logs of many threads. Blocks, field blocks and the field dictionary are packed
  // as varint records (store/eventRecord.ts, fieldBlocks.ts, fieldDictChunk.ts: formats the older ones
  // cannot read); thread_features becomes a rowid table: WITHOUT ROWID, its 1.2 KB rows spilled into
  // overflow pages, 4.6 KB a thread. Logs indexed before: indexed again on next use, their alignments dropped now.
  `
  DELETE FROM alignments;
  INSERT OR IGNORE INTO stale_logs (log_id) SELECT log_id FROM logs;
  CREATE TABLE thread_features_v16 (
    log_id    INTEGER NOT NULL REFERENCES logs (log_id) ON DELETE CASCADE,
    thread_no INTEGER NOT NULL,
    shingles  BLOB NOT NULL, -- int32 LE × 128: the MinHash bins of the call-name 3-grams (one permutation hashing)
    summary   TEXT NOT NULL  -- JSON {calls, names, otherCalls, firstCalls, entry}
  );
  INSERT INTO thread_features_v16 (log_id, thread_no, shingles, summary) SELECT log_id, thread_no, shingles, summary FROM thread_features;
  DROP TABLE thread_features;
  ALTER TABLE thread_features_v16 RENAME TO thread_features;
  CREATE UNIQUE INDEX thread_features_by_thread ON thread_features (log_id, thread_no);
  `,
];

export const SESSION_MIGRATIONS: readonly string[] = [
  // 1: workbench sessions (the two logs, settings, where the user was).
  `
  CREATE TABLE sessions (
    session_id         TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    canary_path        TEXT NOT NULL,
    canary_fingerprint TEXT,
    canary_size        INTEGER,
    ours_path          TEXT NOT NULL,
    ours_fingerprint   TEXT,
    ours_size          INTEGER,
    canonicalize       INTEGER NOT NULL DEFAULT 1,
    tid_map            TEXT,  -- JSON [[canary tid, ours tid], ...] (exact JSON texts), NULL: automatic
    place              TEXT,  -- JSON {pairKey, position}
    created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    opened_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX sessions_by_opened ON sessions (opened_at);
  `,
  // 2: bookmarks with notes, anchored to a pair (by its tids) and a position in it.
  `
  CREATE TABLE bookmarks (
    bookmark_id   TEXT PRIMARY KEY,
    session_id    TEXT NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    canary_tid    TEXT NOT NULL,  -- the pair's canary tid, exact JSON
    ours_tid      TEXT NOT NULL,  -- its ours tid when bookmarked, exact JSON
    position      INTEGER NOT NULL,
    tid_event_idx TEXT,           -- canary's tid_event_idx there, as printed
    at_divergence INTEGER NOT NULL DEFAULT 0,
    title         TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX bookmarks_by_session ON bookmarks (session_id, canary_tid, position);
  `,
  // 3: a bookmark anchors to a row of the aligned view, which may hold an event on one side only:
  // both sides' positions, each nullable. Bookmarks made before sat on one position of both
  // threads (the positional view): that position on each side.
  `
  CREATE TABLE bookmarks_v3 (
    bookmark_id     TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    canary_tid      TEXT NOT NULL,  -- the pair's canary tid, exact JSON
    ours_tid        TEXT NOT NULL,  -- its ours tid when bookmarked, exact JSON
    canary_position INTEGER,        -- the canary event of the bookmarked row (NULL: a gap there)
    ours_position   INTEGER,        -- the ours event (NULL: a gap there)
    tid_event_idx   TEXT,           -- canary's tid_event_idx there (else ours'), as printed
    at_divergence   INTEGER NOT NULL DEFAULT 0,
    title           TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (canary_position IS NOT NULL OR ours_position IS NOT NULL)
  );
  INSERT INTO bookmarks_v3 (bookmark_id, session_id, canary_tid, ours_tid, canary_position, ours_position, tid_event_idx,
                            at_divergence, title, note, created_at, updated_at)
    SELECT bookmark_id, session_id, canary_tid, ours_tid, position, position, tid_event_idx,
           at_divergence, title, note, created_at, updated_at FROM bookmarks;
  DROP INDEX bookmarks_by_session;
  DROP TABLE bookmarks;
  ALTER TABLE bookmarks_v3 RENAME TO bookmarks;
  CREATE INDEX bookmarks_by_session ON bookmarks (session_id, canary_tid, canary_position);
  `,
  // 4: the bookmark note being written, kept as it is typed (the page's draft, as JSON), so that a
  // host that stops, or a page that closes, loses none of it.
  `
  CREATE TABLE drafts (
    session_id TEXT PRIMARY KEY REFERENCES sessions (session_id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  `,
  // 5: triage across runs. A session's chosen baseline (JSON: {"kind": "file", "path"} or
  // {"kind": "run", "sessionId", "canaryFingerprint", "oursFingerprint"}; NULL: none), and the
  // signatures each run of a session showed, kept so that a later run (of this session or of
  // another with the same title) can be compared with it after its logs are gone or rewritten.
  `
  ALTER TABLE sessions ADD COLUMN baseline TEXT;
  CREATE TABLE signature_snapshots (
    session_id         TEXT NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    canary_fingerprint TEXT NOT NULL,
    ours_fingerprint   TEXT NOT NULL,
    canary_path        TEXT NOT NULL,
    ours_path          TEXT NOT NULL,
    scheme             INTEGER NOT NULL, -- the signature scheme (triage/hunkSignature.ts)
    hunks              INTEGER NOT NULL,
    signatures         TEXT NOT NULL,    -- JSON [[id, text, hunks], ...]
    taken_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (session_id, canary_fingerprint, ours_fingerprint)
  );
  `,
  // 6: why each pair of a mapping applied from the similarity proposal was made (JSON, one entry per
  // pair of tid_map: {similarity, confidence, unsure, why}, or null for a pair made by hand); NULL: none.
  `
  ALTER TABLE sessions ADD COLUMN tid_map_reasons TEXT;
  `,
  // 7: the session's rules (what is skipped, canonicalized, paired, ignored) as a rules file
  // (docs/rules.md); NULL, as every session made before has, is the reference's rules.
  `
  ALTER TABLE sessions ADD COLUMN rules TEXT;
  `,
];
