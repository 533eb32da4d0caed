// Damaged databases, made the way disks and crashes make them: a kept index
// cut short, pages of it overwritten, a file that is not a database at all,
// blocks rewritten behind Lockstep's back while a session is open; and a
// damaged sessions database. The index is a cache: it is rebuilt, the report
// is what a fresh index gives, and one line says so. The sessions database is
// the user's work: it is moved aside, never deleted, and the line says where.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventName, Events, RequestArg, RequestName, Result, RequestResult } from '../../src/shared/api';
import { generatePair } from '../../src/main/generator/generateLogs';
import { Workbench } from '../../src/main/service/workbench';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'bin/lockstep');
const dir = mkdtempSync(join(tmpdir(), 'damage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
generatePair(canary, ours, { seed: 'damage', eventsPerThread: 6000, threads: 4, profile: 'realistic', divergences: 3 });

function diff(db: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, 'diff', '--canary', canary, '--ours', ours, '--db', db, '--quiet'], { encoding: 'utf8' });
}

/** Overwrite every `every`-th page from `from` with bytes that are not SQLite's (a deterministic pattern). */
function scribblePages(path: string, from: number, every: number): void {
  const page = 4096;
  const pages = Math.floor(statSync(path).size / page);
  const junk = Buffer.alloc(page);
  for (let i = 0; i < page; i++) junk[i] = (i * 131 + 7) & 0xff;
  const fd = openSync(path, 'r+');
  try {
    for (let p = from; p < pages; p += every) writeSync(fd, junk, 0, page, p * page);
  } finally {
    closeSync(fd);
  }
}

/** A request with its result typed as the contract says. */
async function req<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<Result<RequestResult<K>>> {
  return (await w.handle(name, arg)) as Result<RequestResult<K>>;
}

describe('a damaged kept index (--db)', () => {
  const fresh = diff(join(dir, 'fresh.sqlite'));

  const damages: [string, (path: string) => void][] = [
    ['cut to half its size', (p) => truncateSync(p, Math.floor(statSync(p).size / 2))],
    ['with pages overwritten', (p) => scribblePages(p, 3, 4)],
    ['not a database at all', (p) => writeFileSync(p, 'this is not an SQLite file, whatever its name says\n'.repeat(200))],
    [
      "with blocks whose bytes are not what was written (SQLite's own structure intact)",
      (p) => {
        const db = new Database(p);
        db.prepare('UPDATE blocks SET data = randomblob(length(data))').run();
        db.close();
      },
    ],
  ];

  it.each(damages)('%s: rebuilt from the logs, the same report, one line saying so', (_what, damage) => {
    expect(fresh.status, fresh.stderr).toBe(0);
    const db = join(dir, `kept-${readdirSync(dir).length}.sqlite`);
    expect(diff(db).status).toBe(0);
    damage(db);
    const after = diff(db);
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toBe(fresh.stdout);
    const lines = after.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^lockstep: the index ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was damaged \\(.+\\); it is rebuilt from the logs$`),
    );
    // Rebuilt once: the next run is quiet.
    const again = diff(db);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(fresh.stdout);
  });
});

describe('the workbench with damaged databases', () => {
  function bench(data: string): Workbench {
    return new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
  }

  it('a damaged index.sqlite at start: rebuilt, and the page is told', async () => {
    const data = join(dir, 'wb-index');
    let w = bench(data);
    expect((await req(w, 'session/open', { jobId: 'a', canaryPath: canary, oursPath: ours })).ok).toBe(true);
    w.close();
    truncateSync(join(data, 'index.sqlite'), 8192);
    w = bench(data);
    try {
      const info = await req(w, 'app/info', {});
      expect(info.ok && info.value.notices).toEqual([expect.stringMatching(/^the index .*index\.sqlite was damaged \(.+\); it is rebuilt from the logs$/)]);
      const r = await req(w, 'session/open', { jobId: 'b', canaryPath: canary, oursPath: ours });
      expect(r.ok, JSON.stringify(r)).toBe(true);
    } finally {
      w.close();
    }
  });

  it('a damaged sessions.sqlite: moved aside whole, never deleted, and a new one started', async () => {
    const data = join(dir, 'wb-sessions');
    let w = bench(data);
    const s = await req(w, 'session/open', { jobId: 'a', canaryPath: canary, oursPath: ours });
    if (!s.ok) throw new Error(s.error.message);
    const pair = s.value.pairs[0]!;
    await req(w, 'bookmark/add', { sessionId: s.value.id, pairKey: pair.key, view: 'aligned', row: 0, title: 'mine', note: 'my note' });
    w.close();
    const sessionsPath = join(data, 'sessions.sqlite');
    scribblePages(sessionsPath, 1, 1);
    const damagedBytes = readFileSync(sessionsPath);
    w = bench(data);
    try {
      const info = await req(w, 'app/info', {});
      if (!info.ok) throw new Error(info.error.message);
      expect(info.value.notices).toHaveLength(1);
      const m = /^the sessions database (.+) was damaged \(.+\); it is kept as (.+) and a new one is started/.exec(info.value.notices[0]!);
      expect(m, info.value.notices[0]).not.toBeNull();
      expect(m![1]).toBe(sessionsPath);
      expect(readFileSync(m![2]!).equals(damagedBytes)).toBe(true);
      expect(info.value.recent).toEqual([]);
      // The new one works: a session opens and keeps a bookmark.
      const again = await req(w, 'session/open', { jobId: 'b', canaryPath: canary, oursPath: ours });
      if (!again.ok) throw new Error(again.error.message);
      const b = await req(w, 'bookmark/add', { sessionId: again.value.id, pairKey: pair.key, view: 'aligned', row: 0, title: 'new', note: '' });
      expect(b.ok).toBe(true);
    } finally {
      w.close();
    }
    expect(readdirSync(data).filter((f) => f.startsWith('sessions.sqlite.damaged-'))).toHaveLength(1);
  });

  it('an index damaged while a session is open: rebuilt, the page told to open again, the bookmarks kept', async () => {
    const data = join(dir, 'wb-live');
    mkdirSync(data, { recursive: true });
    const w = bench(data);
    const events: [EventName, Events[EventName]][] = [];
    w.onEvent((e, p) => events.push([e, p]));
    try {
      const s = await req(w, 'session/open', { jobId: 'a', canaryPath: canary, oursPath: ours });
      if (!s.ok) throw new Error(s.error.message);
      const pair = s.value.pairs.find((p) => p.divergence) ?? s.value.pairs[0]!;
      const b = await req(w, 'bookmark/add', {
        sessionId: s.value.id,
        pairKey: pair.key,
        view: 'aligned',
        row: 0,
        title: 'kept',
        note: 'through the rebuild',
      });
      expect(b.ok).toBe(true);
      // Another process rewrites the blocks behind the workbench's back.
      const other = new Database(join(data, 'index.sqlite'));
      other.prepare('UPDATE blocks SET data = randomblob(length(data))').run();
      other.close();
      const r = await req(w, 'diff/rows', { sessionId: s.value.id, pairKey: pair.key, view: 'positional', from: 5000, count: 50 });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('damaged');
        expect(r.error.message).toMatch(/^the index .*index\.sqlite was damaged \(.+\); it is rebuilt: open the logs again \(bookmarks and notes are kept\)$/);
      }
      expect(events.filter(([e]) => e === 'app/sessions-closed')).toEqual([['app/sessions-closed', { code: 'damaged', message: expect.any(String) }]]);
      // The old session is gone (its reads were of the damaged index); opening again works and finds the bookmark.
      expect((await req(w, 'session/get', { sessionId: s.value.id })).ok).toBe(false);
      const again = await req(w, 'session/open', { jobId: 'b', canaryPath: canary, oursPath: ours });
      if (!again.ok) throw new Error(again.error.message);
      expect(again.value.bookmarks.map((x) => x.note)).toEqual(['through the rebuild']);
      const rows = await req(w, 'diff/rows', { sessionId: again.value.id, pairKey: pair.key, view: 'positional', from: 5000, count: 50 });
      expect(rows.ok).toBe(true);
    } finally {
      w.close();
    }
    expect(existsSync(join(data, 'sessions.sqlite'))).toBe(true);
  });
});
