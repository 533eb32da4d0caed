import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from './db';
import { findReusableLog, getLog } from './logIndex';
import { removeAbandonedLogs } from './logWriter';
import { INDEX_MIGRATIONS as MIGRATIONS, SESSION_MIGRATIONS } from './migrations';
import { listBookmarks } from './bookmarks';
import { draftOf, findSessionByPaths, sessionBaseline, setSessionBaseline } from './sessions';
import { putSnapshot, runsOfTitle, snapshot } from './signatureSnapshots';

const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tables(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

describe('migrations', () => {
  it('bring a new database to the newest schema, and reopening changes nothing', () => {
    const path = join(dir, 'new.sqlite');
    openDb(path).close();
    const db = openDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
    expect(tables(path)).toEqual(expect.arrayContaining(['blocks', 'logs', 'threads']));
    expect(tables(path)).not.toContain('sessions');
  });

  it('move sessions out of an index written before they had their own database (step 3)', () => {
    const path = join(dir, 'v2.sqlite');
    const raw = new Database(path);
    for (const step of MIGRATIONS.slice(0, 2)) raw.exec(step);
    raw.pragma('user_version = 2');
    raw.prepare("INSERT INTO logs (path, size, mtime_ms, fingerprint, state) VALUES ('/a', 1, 1, 'f', 'complete')").run();
    raw.close();
    expect(tables(path)).toContain('sessions');
    const db = openDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    // Step 4 changed the block format: logs indexed before are indexed again on next use.
    expect((db.prepare('SELECT count(*) AS n FROM logs').get() as { n: number }).n).toBe(0);
    db.close();
    expect(tables(path)).not.toContain('sessions');
  });

  it('keep the logs indexed before compressed logs were read, as plain logs whose content is their size (step 11)', () => {
    const path = join(dir, 'v10.sqlite');
    const raw = new Database(path);
    for (const step of MIGRATIONS.slice(0, 10)) raw.exec(step);
    raw.pragma('user_version = 10');
    raw
      .prepare(
        "INSERT INTO logs (path, size, mtime_ms, fingerprint, state, event_count, line_count, thread_count) VALUES ('/a.jsonl', 1234, 5, 'f', 'complete', 3, 4, 1)",
      )
      .run();
    // Step 11 alone: the later steps (12 indexes every log again for its fields) are tested on their own.
    raw.exec(MIGRATIONS[10]!);
    const db = raw;
    const log = getLog(db, 1)!;
    expect(log).toMatchObject({ path: '/a.jsonl', size: 1234, eventCount: 3, compression: null, contentSize: 1234 });
    // A plain log needs no decompressed copy: its index is reused as it was.
    expect(findReusableLog(db, { path: '/a.jsonl', size: 1234, mtimeMs: 5, fingerprint: 'f', compression: null })?.logId).toBe(1);
    expect(() => db.prepare("UPDATE logs SET compression = 'xz' WHERE log_id = 1").run()).toThrow(/CHECK/);
    db.close();
  });

  it('give the sessions database its own schema, written with full durability', () => {
    const path = join(dir, 'sessions.sqlite');
    const db = openDb(path, { schema: 'sessions' });
    expect(db.pragma('user_version', { simple: true })).toBe(SESSION_MIGRATIONS.length);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.close();
    expect(tables(path)).toEqual(expect.arrayContaining(['bookmarks', 'sessions']));
  });

  it('refuse an index written by a newer Lockstep, with a message that says so', () => {
    const path = join(dir, 'newer.sqlite');
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openDb(path)).toThrow(/newer Lockstep/);
  });

  it('run each step in its own transaction: a failing step leaves the earlier ones and no half step', () => {
    const path = join(dir, 'half.sqlite');
    const raw = new Database(path);
    // A table that step 1 wants to create already exists: step 1 fails and must roll back entirely.
    raw.exec('CREATE TABLE threads (x)');
    raw.close();
    expect(() => openDb(path)).toThrow(/already exists/);
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(0);
    after.close();
    expect(tables(path)).toEqual(['threads']);
  });
});

describe('index migration 15: chunk summaries for the alignment', () => {
  it('adds the table and indexes again, on next use, the logs indexed without chunks, their blocks and alignments going with them', () => {
    const path = join(dir, 'index-v14.sqlite');
    const raw = new Database(path);
    for (const step of MIGRATIONS.slice(0, 14)) raw.exec(step);
    raw.pragma('user_version = 14');
    raw.prepare("INSERT INTO logs (log_id, path, size, mtime_ms, fingerprint, state, event_count) VALUES (1, '/a.jsonl', 10, 1, 'f', 'complete', 1)").run();
    raw.prepare("INSERT INTO threads (log_id, thread_no, tid_key, tid_json, event_count, first_line) VALUES (1, 0, 'i:6', '6', 1, 2)").run();
    raw
      .prepare("INSERT INTO blocks (log_id, thread_no, block_no, event_count, sum_canon, sum_raw, any_flags, data) VALUES (1, 0, 0, 1, 'x', 'x', 0, x'00')")
      .run();
    raw
      .prepare(
        "INSERT INTO alignments (canary_log, canary_thread, ours_log, ours_thread, keys, version, aligned, cost, hunks) VALUES (1, 0, 1, 0, 'k', 1, 1, 0, x'')",
      )
      .run();
    raw.close();
    expect(tables(path)).not.toContain('block_chunks');
    const db = openDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(tables(path)).toContain('block_chunks');
    expect(findReusableLog(db, { path: '/a.jsonl', size: 10, mtimeMs: 1, fingerprint: 'f', compression: null })).toBeUndefined();
    expect(removeAbandonedLogs(db)).toBe(1);
    for (const t of ['logs', 'threads', 'blocks', 'alignments', 'block_chunks']) {
      expect((db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n, t).toBe(0);
    }
    db.close();
  });
});

describe('index migration 16: packed blocks and fields, thread features in a rowid table', () => {
  it('indexes again, on next use, the logs indexed in the older formats, and keeps thread features one row a thread in fewer pages', () => {
    const path = join(dir, 'index-v15.sqlite');
    const raw = new Database(path);
    for (const step of MIGRATIONS.slice(0, 15)) raw.exec(step);
    raw.pragma('user_version = 15');
    // Earlier steps retired every log indexed before them: start from an index version 15 wrote, none stale.
    raw.exec('DELETE FROM stale_logs');
    raw.prepare("INSERT INTO logs (log_id, path, size, mtime_ms, fingerprint, state, event_count) VALUES (1, '/a.jsonl', 10, 1, 'f', 'complete', 1)").run();
    raw
      .prepare(
        "INSERT INTO alignments (canary_log, canary_thread, ours_log, ours_thread, keys, version, aligned, cost, hunks) VALUES (1, 0, 1, 0, 'k', 1, 1, 0, x'')",
      )
      .run();
    const feature = raw.prepare('INSERT INTO thread_features (log_id, thread_no, shingles, summary) VALUES (1, ?, ?, ?)');
    const summary = JSON.stringify({ calls: 1, names: [['NtClose', 1]], otherCalls: 0, firstCalls: ['NtClose'], entry: null }).padEnd(640);
    for (let t = 0; t < 400; t++) feature.run(t, Buffer.alloc(512, t), summary);
    const pages = (db: Database.Database): number =>
      (db.prepare("SELECT count(*) AS n FROM dbstat WHERE name LIKE 'thread_features%'").get() as { n: number }).n;
    const before = pages(raw);
    // Its own step only.
    raw.pragma('foreign_keys = ON');
    raw.exec(MIGRATIONS[15]!);
    const db = raw;
    expect(findReusableLog(db, { path: '/a.jsonl', size: 10, mtimeMs: 1, fingerprint: 'f', compression: null })).toBeUndefined();
    expect(db.prepare('SELECT count(*) AS n FROM alignments').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n, sum(length(shingles)) AS s FROM thread_features').get()).toEqual({ n: 400, s: 400 * 512 });
    // Two rows or more a page, not a page and an overflow page a row.
    expect(pages(db)).toBeLessThan(before / 3);
    expect(() => feature.run(0, Buffer.alloc(512), summary)).toThrow(/UNIQUE/);
    // The features go with their log.
    db.prepare('DELETE FROM logs WHERE log_id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM thread_features').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('sessions migration 3: bookmarks on both sides of an aligned row', () => {
  it('keeps every bookmark and its note, at its old position on each side', () => {
    const path = join(dir, 'sessions-v2.sqlite');
    const raw = new Database(path);
    for (const step of SESSION_MIGRATIONS.slice(0, 2)) raw.exec(step);
    raw.pragma('user_version = 2');
    raw.prepare("INSERT INTO sessions (session_id, name, canary_path, ours_path) VALUES ('s', 'n', '/c', '/o')").run();
    const ins = raw.prepare(
      `INSERT INTO bookmarks (bookmark_id, session_id, canary_tid, ours_tid, position, tid_event_idx, at_divergence, title, note, created_at, updated_at)
       VALUES (?, 's', '6', '4', ?, ?, ?, ?, ?, '2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z')`,
    );
    ins.run('a', 343, '343', 1, 'at the divergence', 'a **note**\nover two lines');
    ins.run('b', 0, null, 0, 'start', '');
    raw.close();
    const db = openDb(path, { schema: 'sessions' });
    expect(db.pragma('user_version', { simple: true })).toBe(SESSION_MIGRATIONS.length);
    const rows = db.prepare('SELECT * FROM bookmarks ORDER BY bookmark_id').all();
    expect(rows).toEqual([
      {
        bookmark_id: 'a',
        session_id: 's',
        canary_tid: '6',
        ours_tid: '4',
        canary_position: 343,
        ours_position: 343,
        tid_event_idx: '343',
        at_divergence: 1,
        title: 'at the divergence',
        note: 'a **note**\nover two lines',
        created_at: '2026-11-01T00:00:00.000Z',
        updated_at: '2026-11-02T00:00:00.000Z',
      },
      {
        bookmark_id: 'b',
        session_id: 's',
        canary_tid: '6',
        ours_tid: '4',
        canary_position: 0,
        ours_position: 0,
        tid_event_idx: null,
        at_divergence: 0,
        title: 'start',
        note: '',
        created_at: '2026-11-01T00:00:00.000Z',
        updated_at: '2026-11-02T00:00:00.000Z',
      },
    ]);
    // A bookmark must sit on at least one event.
    expect(() => db.prepare("INSERT INTO bookmarks (bookmark_id, session_id, canary_tid, ours_tid, title) VALUES ('c', 's', '6', '4', 't')").run()).toThrow(
      /CHECK/,
    );
    db.close();
  });
});

describe('sessions migration 5: a baseline per session, and the signatures of each run', () => {
  it('keeps every session, bookmark and draft of a database written before it; sessions start with no baseline', () => {
    const path = join(dir, 'sessions-v4.sqlite');
    const raw = new Database(path);
    for (const step of SESSION_MIGRATIONS.slice(0, 4)) raw.exec(step);
    raw.pragma('user_version = 4');
    raw
      .prepare(
        `INSERT INTO sessions (session_id, name, canary_path, canary_fingerprint, canary_size, ours_path, ours_fingerprint, ours_size, canonicalize, tid_map, place)
         VALUES ('s', 'title', '/c.jsonl', 'fc', 10, '/o.jsonl', 'fo', 11, 0, '[["6","1"]]', '{"pairKey":"n6","view":"aligned","canary":3,"ours":4}')`,
      )
      .run();
    raw
      .prepare(
        `INSERT INTO bookmarks (bookmark_id, session_id, canary_tid, ours_tid, canary_position, ours_position, tid_event_idx, title, note)
         VALUES ('b', 's', '6', '1', 3, 4, '3', 'here', 'a note')`,
      )
      .run();
    raw.prepare(`INSERT INTO drafts (session_id, body) VALUES ('s', '{"title":"half"}')`).run();
    raw.close();
    const db = openDb(path, { schema: 'sessions' });
    expect(db.pragma('user_version', { simple: true })).toBe(SESSION_MIGRATIONS.length);
    const s = findSessionByPaths(db, '/c.jsonl', '/o.jsonl')!;
    expect(s).toMatchObject({ sessionId: 's', name: 'title', canonicalize: false, tidMap: [['6', '1']], place: { pairKey: 'n6', canary: 3, ours: 4 } });
    expect(listBookmarks(db, 's').map((b) => [b.bookmarkId, b.title, b.note])).toEqual([['b', 'here', 'a note']]);
    expect(draftOf(db, 's')?.body).toBe('{"title":"half"}');
    expect(sessionBaseline(db, 's')).toBeNull();
    // The new columns and table work on the migrated database.
    setSessionBaseline(db, 's', { kind: 'file', path: '/known.json' });
    expect(sessionBaseline(db, 's')).toEqual({ kind: 'file', path: '/known.json' });
    putSnapshot(db, { sessionId: 's', canaryFingerprint: 'fc', oursFingerprint: 'fo', canaryPath: '/c.jsonl', oursPath: '/o.jsonl', scheme: 1 }, [
      { id: '0123456789ab', text: 'insert kernel.call X', hunks: 2 },
    ]);
    expect(snapshot(db, { sessionId: 's', canaryFingerprint: 'fc', oursFingerprint: 'fo' })?.signatures).toEqual([
      { id: '0123456789ab', text: 'insert kernel.call X', hunks: 2 },
    ]);
    expect(runsOfTitle(db, 'title', { sessionId: 's', canaryFingerprint: 'fc', oursFingerprint: 'other' }).map((r) => [r.hunks, r.signatures])).toEqual([
      [2, 1],
    ]);
    db.close();
  });
});

describe('index migration 10: thread features for the similarity mapping', () => {
  it('indexes again, on next use, the logs indexed before features existed', () => {
    const path = join(dir, 'index-v9.sqlite');
    const raw = new Database(path);
    for (const step of MIGRATIONS.slice(0, 9)) raw.exec(step);
    raw.pragma('user_version = 9');
    raw.prepare("INSERT INTO logs (path, size, mtime_ms, fingerprint, state, event_count) VALUES ('/a.jsonl', 10, 1, 'f', 'complete', 3)").run();
    raw.close();
    const db = openDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(findReusableLog(db, { path: '/a.jsonl', size: 10, mtimeMs: 1, fingerprint: 'f', compression: null })).toBeUndefined();
    // Removed at the next start, features and all (they cascade with their log).
    db.prepare("INSERT INTO thread_features (log_id, thread_no, shingles, summary) VALUES (1, 0, x'', '{}')").run();
    expect(removeAbandonedLogs(db)).toBe(1);
    expect((db.prepare('SELECT count(*) AS n FROM thread_features').get() as { n: number }).n).toBe(0);
    db.close();
  });
});

describe('sessions migration 6: why a pair of the map was made', () => {
  it('keeps every session and its map by hand, with no reasons', () => {
    const path = join(dir, 'sessions-v5.sqlite');
    const raw = new Database(path);
    for (const step of SESSION_MIGRATIONS.slice(0, 5)) raw.exec(step);
    raw.pragma('user_version = 5');
    raw.prepare(`INSERT INTO sessions (session_id, name, canary_path, ours_path, tid_map) VALUES ('s', 'n', '/c', '/o', '[["6","4"],["7","2"]]')`).run();
    raw.close();
    const db = openDb(path, { schema: 'sessions' });
    expect(db.pragma('user_version', { simple: true })).toBe(SESSION_MIGRATIONS.length);
    const row = findSessionByPaths(db, '/c', '/o')!;
    expect(row.tidMap).toEqual([
      ['6', '4'],
      ['7', '2'],
    ]);
    expect(row.tidMapReasons).toBeNull();
    db.close();
  });
});

describe('index migration 12: the search index, beside the event index', () => {
  it('keeps every log indexed before (nothing is read again), and a log takes its search index with it when it goes', () => {
    const path = join(dir, 'index-v11.sqlite');
    const raw = new Database(path);
    for (const step of MIGRATIONS.slice(0, 11)) raw.exec(step);
    raw.pragma('user_version = 11');
    raw.prepare("INSERT INTO logs (log_id, path, size, mtime_ms, fingerprint, state, event_count) VALUES (7, '/c.jsonl', 10, 1, 'f', 'complete', 3)").run();
    raw.prepare("INSERT INTO threads (log_id, thread_no, tid_key, tid_json, event_count, first_line) VALUES (7, 0, 'n6', '6', 3, 2)").run();
    raw
      .prepare("INSERT INTO blocks (log_id, thread_no, block_no, event_count, sum_canon, sum_raw, any_flags, data) VALUES (7, 0, 0, 3, 'a', 'b', 0, x'00')")
      .run();
    // Step 12 alone: step 13 (each event's fields) indexes every log again, tested on its own below.
    raw.pragma('foreign_keys = ON');
    raw.exec(MIGRATIONS[11]!);
    const db = raw;
    expect(db.prepare('SELECT log_id, state, event_count FROM logs').all()).toEqual([{ log_id: 7, state: 'complete', event_count: 3 }]);
    expect((db.prepare('SELECT count(*) AS n FROM stale_logs').get() as { n: number }).n).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM blocks').get() as { n: number }).n).toBe(1);
    // The search index is built on the first search; its rows belong to their log.
    db.prepare(
      "INSERT INTO search_columns (log_id, thread_no, path, keys, segment, count, encoding, dict, dict_crc, data, crc) VALUES (7, 0, 'kind', '[\"kind\"]', 0, 3, 0, '0x', 0, x'000000', 0)",
    ).run();
    db.prepare('INSERT INTO search_segments (log_id, thread_no, segment, events, overflow) VALUES (7, 0, 0, 3, 0)').run();
    db.prepare('INSERT INTO search_logs (log_id, format, events, bytes, build_ms) VALUES (7, 1, 3, 3, 1)').run();
    db.prepare('DELETE FROM blocks WHERE log_id = 7').run();
    db.prepare('DELETE FROM threads WHERE log_id = 7').run();
    db.prepare('DELETE FROM logs WHERE log_id = 7').run();
    for (const table of ['search_columns', 'search_segments', 'search_logs']) {
      expect((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n).toBe(0);
    }
    db.close();
  });
});

describe('sessions migration 7: the session keeps its rules', () => {
  it('keeps every session, its settings and bookmarks; sessions made before are under the reference rules (NULL)', () => {
    const path = join(dir, 'sessions-v6.sqlite');
    const raw = new Database(path);
    for (const step of SESSION_MIGRATIONS.slice(0, 6)) raw.exec(step);
    raw.pragma('user_version = 6');
    raw
      .prepare(
        `INSERT INTO sessions (session_id, name, canary_path, ours_path, canonicalize, tid_map, place, baseline, tid_map_reasons)
         VALUES ('s', 'title', '/c', '/o', 0, '[["6","1"]]', '{"pairKey":"n6"}', '{"kind":"file","path":"/known.json"}', '[null]')`,
      )
      .run();
    raw
      .prepare(
        `INSERT INTO bookmarks (bookmark_id, session_id, canary_tid, ours_tid, canary_position, ours_position, title, note) VALUES ('b', 's', '6', '1', 3, 4, 't', 'a note')`,
      )
      .run();
    raw.prepare(`INSERT INTO drafts (session_id, body) VALUES ('s', '{"title":"half"}')`).run();
    raw.close();
    const db = openDb(path, { schema: 'sessions' });
    expect(db.pragma('user_version', { simple: true })).toBe(SESSION_MIGRATIONS.length);
    expect(db.prepare('SELECT session_id, name, canonicalize, tid_map, place, baseline, tid_map_reasons, rules FROM sessions').all()).toEqual([
      {
        session_id: 's',
        name: 'title',
        canonicalize: 0,
        tid_map: '[["6","1"]]',
        place: '{"pairKey":"n6"}',
        baseline: '{"kind":"file","path":"/known.json"}',
        tid_map_reasons: '[null]',
        rules: null,
      },
    ]);
    expect(findSessionByPaths(db, '/c', '/o')?.rules).toBeNull();
    expect(db.prepare('SELECT bookmark_id, note, canary_position, ours_position FROM bookmarks').all()).toEqual([
      { bookmark_id: 'b', note: 'a note', canary_position: 3, ours_position: 4 },
    ]);
    expect(db.prepare('SELECT body FROM drafts').all()).toEqual([{ body: '{"title":"half"}' }]);
    db.close();
  });
});

describe("index migration 13: each event's fields", () => {
  it('indexes again, on next use, the logs indexed before fields existed, and adds the field tables', () => {
    const path = join(dir, 'index-v12.sqlite');
    const raw = new Database(path);
    for (const step of MIGRATIONS.slice(0, 12)) raw.exec(step);
    raw.pragma('user_version = 12');
    raw.prepare(`INSERT INTO logs (path, size, mtime_ms, fingerprint, state) VALUES ('/l', 1, 1, 'f', 'complete')`).run();
    // Step 13 alone: step 14 (chunk summaries) indexes every log again too, tested on its own above.
    raw.pragma('foreign_keys = ON');
    raw.exec(MIGRATIONS[12]!);
    const db = raw;
    expect(findReusableLog(db, { path: '/l', size: 1, mtimeMs: 1, fingerprint: 'f', compression: null })).toBeUndefined();
    // Marked to be indexed again (removing it needs the later steps' tables: step 14's test does).
    expect(db.prepare('SELECT count(*) AS n FROM stale_logs').get()).toEqual({ n: 1 });
    db.close();
    expect(tables(path)).toEqual(expect.arrayContaining(['field_blocks', 'field_dict', 'field_names']));
    expect(tables(path)).not.toContain('block_chunks');
  });
});

describe('index migration 14: tid keys that SQLite had turned into U+FFFD', () => {
  it('marks the logs whose tid key was lost as stale, and leaves the others to be reused', () => {
    const path = join(dir, 'index-v13.sqlite');
    const raw = new Database(path);
    for (const step of MIGRATIONS.slice(0, 13)) raw.exec(step);
    raw.pragma('user_version = 13');
    // Migrations 10 and 13 retired every log indexed before them: start from an index version 13 wrote, none stale.
    raw.exec('DELETE FROM stale_logs');
    const log = raw.prepare("INSERT INTO logs (path, size, mtime_ms, fingerprint, state) VALUES (?, 1, 1, ?, 'complete')");
    const lost = Number(log.run('/lost.jsonl', 'f1').lastInsertRowid);
    const kept = Number(log.run('/kept.jsonl', 'f2').lastInsertRowid);
    const thread = raw.prepare('INSERT INTO threads (log_id, thread_no, tid_key, tid_json, event_count, first_line) VALUES (?, ?, ?, ?, 1, 2)');
    // What version 13 wrote for the tid "\udcff": the key mangled, the JSON exact.
    thread.run(lost, 0, 's\ufffd', '"\\udcff"');
    thread.run(lost, 1, 'n6', '6');
    thread.run(kept, 0, 'sKeInit', '"KeInit"');
    // Its own step only: a later step may retire logs for its own reasons.
    raw.exec(MIGRATIONS[13]!);
    const db = raw;
    expect(db.prepare('SELECT log_id AS id FROM stale_logs').all()).toEqual([{ id: lost }]);
    expect((db.prepare('SELECT count(*) AS n FROM threads WHERE log_id = ?').get(kept) as { n: number }).n).toBe(1);
    db.close();
  });
});
