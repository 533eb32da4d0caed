// The workbench service end to end under Node: real logs, real SQLite, a real
// second process for "another machine", and the CLI as the yardstick for exports.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestArg, RequestName, RequestResult, SessionView } from '../../shared/api';
import { generatePair } from '../generator/generateLogs';
import { Workbench } from './workbench';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'bin/lockstep');
const built = existsSync(join(ROOT, 'out/main/cli.js'));
const dir = mkdtempSync(join(tmpdir(), 'workbench-'));
const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  generatePair(canary, ours, { seed: 'workbench', eventsPerThread: 300, threads: 5, profile: 'realistic', divergences: 3 });
});

function bench(dataDir: string): Workbench {
  return new Workbench({ dataDir, host: 'browser', version: 'test', demo: null });
}

async function call<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await w.handle(name, arg);
  if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
  return r.value as RequestResult<K>;
}

function cliDiff(...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, 'diff', '--canary', canary, '--ours', ours, ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('workbench service', () => {
  let w: Workbench;
  let s: SessionView;
  const data = join(dir, 'data-a');

  beforeAll(async () => {
    w = bench(data);
    s = await call(w, 'session/open', { jobId: 'j1', canaryPath: canary, oursPath: ours });
  });
  afterAll(() => w.close());

  it('refuses malformed requests with a typed error, whatever the transport sent', async () => {
    const cases: [unknown, unknown][] = [
      ['no/such', {}],
      ['diff/rows', { sessionId: s.id, pairKey: 'n6', from: -1, count: 10 }],
      ['diff/rows', { sessionId: s.id, pairKey: 'n6', from: 0, count: 10, extra: 1 }],
      ['session/open', { jobId: 'x', canaryPath: 1, oursPath: ours }],
      ['bookmark/add', null],
    ];
    for (const [name, arg] of cases) {
      const r = await w.handle(name, arg);
      expect(r.ok, JSON.stringify([name, arg])).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('bad-request');
    }
  });

  it.skipIf(!built)('exports the reference report byte-identical to lockstep diff', async () => {
    const r = await call(w, 'report/export', { sessionId: s.id, format: 'reference-md' });
    expect(r.text).toBe(cliDiff());
  });

  it('serves aligned rows, seeks the next difference and jumps to a tid_event_idx', async () => {
    const p = s.pairs.find((x) => x.divergence)!;
    const d = p.divergence!.position;
    const rows = await call(w, 'diff/rows', { sessionId: s.id, pairKey: p.key, view: 'positional', from: Math.max(0, d - 2), count: 5 });
    expect(rows.total).toBe(Math.max(p.canaryTotal, p.oursTotal));
    const at = rows.rows.find((r) => r.row === d)!;
    expect(at.status).toBe('differs');
    expect(at.difference?.description).toBe(p.divergence!.description);
    expect(rows.rows.filter((r) => r.row < d).every((r) => r.status === 'same')).toBe(true);
    expect((await call(w, 'diff/seek', { sessionId: s.id, pairKey: p.key, view: 'positional', from: -1, direction: 1 })).row).toBe(d);
    expect((await call(w, 'diff/seek', { sessionId: s.id, pairKey: p.key, view: 'positional', from: d, direction: -1 })).row).toBe(null);
    const idx = Number(at.canary!.tidEventIdx);
    expect((await call(w, 'diff/jump', { sessionId: s.id, pairKey: p.key, view: 'positional', side: 'canary', tidEventIdx: idx })).position).toBe(d);
  });

  it.skipIf(!built)('remaps a thread: the summary changes at once, and the export equals lockstep diff --tid-map', async () => {
    const [a, b] = s.pairs;
    const r = await call(w, 'map/pair', { sessionId: s.id, canaryTidKey: a!.key, oursTidKey: b!.ours.tidKey, exclusive: true });
    expect(r.session.manualMap).toBe(true);
    expect(r.changes.join('\n')).toMatch(/was paired with ours .*; now with ours/);
    expect(r.changes.join('\n')).toMatch(/is no longer compared/);
    const moved = r.session.pairs.find((p) => p.key === a!.key)!;
    expect(moved.ours.tidKey).toBe(b!.ours.tidKey);
    expect(r.session.unmappedCanary.map((t) => t.tidKey)).toContain(b!.key);
    expect(r.session.tidMapArg).toBeTruthy();
    const exported = await call(w, 'report/export', { sessionId: s.id, format: 'reference-md' });
    expect(exported.text).toBe(cliDiff('--tid-map', r.session.tidMapArg!));
    const back = await call(w, 'map/reset', { sessionId: s.id });
    expect(back.session.manualMap).toBe(false);
    expect(back.session.pairs.map((p) => [p.key, p.ours.tidKey])).toEqual(s.pairs.map((p) => [p.key, p.ours.tidKey]));
  });

  it('keeps bookmarks and notes across a restart, and in a session file opened on another machine', async () => {
    const p = s.pairs.find((x) => x.divergence)!;
    const b = await call(w, 'bookmark/add', {
      sessionId: s.id,
      pairKey: p.key,
      view: 'positional',
      row: p.divergence!.position,
      title: 'wrong kind',
      note: 'ours returns **early** here\n\n- check `KeSetEvent`',
      atDivergence: true,
    });
    await call(w, 'bookmark/update', { sessionId: s.id, bookmarkId: b.id, title: 'wrong kind after wait', note: b.note + '\n- second look' });
    const extra = await call(w, 'bookmark/add', { sessionId: s.id, pairKey: p.key, view: 'positional', row: 0, title: 'start', note: '' });
    await call(w, 'bookmark/delete', { sessionId: s.id, bookmarkId: extra.id });
    await call(w, 'map/pair', { sessionId: s.id, canaryTidKey: s.pairs[0]!.key, oursTidKey: s.pairs[1]!.ours.tidKey, exclusive: false });
    await call(w, 'session/place', { sessionId: s.id, pairKey: p.key, view: 'positional', row: 7 });
    const file = join(dir, 'triage.lockstep');
    await call(w, 'session/save-as', { sessionId: s.id, path: file });

    // Restart on the same data: everything is there.
    w.close();
    w = bench(data);
    const again = await call(w, 'session/open', { jobId: 'j2', canaryPath: canary, oursPath: ours });
    expect(again.id).toBe(s.id);
    expect(again.bookmarks.map((x) => [x.title, x.note, x.canaryPosition, x.oursPosition, x.atDivergence])).toEqual([
      ['wrong kind after wait', b.note + '\n- second look', p.divergence!.position, p.divergence!.position, true],
    ]);
    expect(again.manualMap).toBe(true);
    expect(again.place).toEqual({ pairKey: p.key, view: 'positional', row: 7 });

    // The CLI renders the saved session: the same bytes as lockstep diff with its --tid-map, and the notes.
    if (built) {
      const report = (...a: string[]): string => {
        const r = spawnSync(process.execPath, [CLI, 'report', '--session', file, ...a], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return r.stdout;
      };
      expect(report()).toBe(cliDiff('--tid-map', again.tidMapArg!));
      expect(report('--format', 'annotated-md')).toContain('- **wrong kind after wait**');
    }

    // Another machine: fresh data, the logs elsewhere. The file says which log moved.
    const other = mkdtempSync(join(tmpdir(), 'other-machine-'));
    const moved = join(other, 'canary-copy.jsonl');
    copyFileSync(canary, moved);
    writeFileSync(join(other, 's.lockstep'), readFileSync(file, 'utf8').replaceAll(JSON.stringify(canary).slice(1, -1), join(other, 'gone.jsonl')));
    const w2 = bench(join(other, 'data'));
    try {
      const first = await call(w2, 'session/open-file', { jobId: 'j3', path: join(other, 's.lockstep') });
      expect(first.kind).toBe('locate');
      if (first.kind !== 'locate') return;
      expect(first.logs.map((l) => [l.side, l.state])).toEqual([
        ['canary', 'missing'],
        ['ours', 'ok'],
      ]);
      const opened = await call(w2, 'session/open-file', { jobId: 'j4', path: join(other, 's.lockstep'), canaryPath: moved });
      expect(opened.kind).toBe('opened');
      if (opened.kind !== 'opened') return;
      expect(opened.session.bookmarks.map((x) => x.title)).toEqual(['wrong kind after wait']);
      expect(opened.session.manualMap).toBe(true);
      expect(opened.session.pairs.map((x) => [x.key, x.ours.tidKey])).toEqual(again.pairs.map((x) => [x.key, x.ours.tidKey]));
      expect(opened.session.canary.path).toBe(moved);
    } finally {
      w2.close();
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('opens a session file written by an older Lockstep (format 1), with its logs relocated', async () => {
    const w3 = bench(join(dir, 'data-v1'));
    try {
      const r = await call(w3, 'session/open-file', {
        jobId: 'v1',
        path: join(ROOT, 'tests/fixtures/session-v1.lockstep'),
        canaryPath: join(ROOT, 'resources/demo/canary.jsonl'),
        oursPath: join(ROOT, 'resources/demo/ours.jsonl'),
      });
      expect(r.kind).toBe('opened');
      if (r.kind !== 'opened') return;
      expect(r.session.bookmarks.map((b) => [b.title, b.pairKey, b.canaryPosition, b.oursPosition])).toEqual([['kind flips after the wait', 'n6', 343, 343]]);
      expect(r.session.manualMap).toBe(true);
      // Format 1 placed the user at position 340 of both threads: in the aligned view that is row 340 (before ours' inserted event).
      expect(r.session.place).toEqual({ pairKey: 'n6', view: 'aligned', row: 340 });
      expect(r.session.pairs.find((p) => p.key === 'n7')!.ours.tid).toBe('2');
    } finally {
      w3.close();
    }
  });

  it('says clearly when a session file is damaged, and opens nothing', async () => {
    const bad = join(dir, 'bad.lockstep');
    writeFileSync(bad, '{"format": "lockstep-session", "version": 1, "id": "x", "na');
    const r = await w.handle('session/open-file', { jobId: 'j5', path: bad });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('input');
      expect(r.error.message).toMatch(/bad\.lockstep: not a readable session file: corrupted or truncated/);
    }
  });

  it('exports annotated Markdown, HTML and JSON with the bookmarks under their pairs', async () => {
    const view = await call(w, 'session/get', { sessionId: s.id });
    const md = (await call(w, 'report/export', { sessionId: s.id, format: 'annotated-md' })).text;
    expect(md).toContain('### Bookmarks and notes');
    expect(md).toContain('- **wrong kind after wait**');
    expect(md).toContain('  ours returns **early** here');
    const html = (await call(w, 'report/export', { sessionId: s.id, format: 'html' })).text;
    expect(html).toContain('<strong>early</strong>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!example)/);
    expect(html).toContain('class="hl"');
    const json = JSON.parse((await call(w, 'report/export', { sessionId: s.id, format: 'json' })).text) as {
      format: string;
      pairs: { divergence: { position: number } | null; bookmarks: { title: string }[] }[];
    };
    expect(json.format).toBe('lockstep-report');
    expect(json.pairs.map((p) => p.divergence?.position ?? null)).toEqual(view.pairs.map((p) => p.divergence?.position ?? null));
    expect(json.pairs.flatMap((p) => p.bookmarks.map((b) => b.title))).toEqual(['wrong kind after wait']);
  });
});

describe('the aligned view', () => {
  let w: Workbench;
  let s: SessionView;
  const demo = { canary: join(ROOT, 'resources/demo/canary.jsonl'), ours: join(ROOT, 'resources/demo/ours.jsonl') };

  beforeAll(async () => {
    w = bench(join(dir, 'data-aligned'));
    s = await call(w, 'session/open', { jobId: 'al', canaryPath: demo.canary, oursPath: demo.ours });
  });
  afterAll(() => w.close());

  it('shows an inserted event as a gap row on canary, and the rows after it as equal', async () => {
    // The demo: ours calls NtYieldExecution at position 343 of canary tid 6, which canary never does.
    const p = s.pairs.find((x) => x.key === 'n6')!;
    expect(p.divergence?.position).toBe(343);
    expect(p.alignment).toMatchObject({ aligned: true, counts: { insert: 1, delete: 0, replace: 0 }, backInStep: { canary: 343, ours: 344 } });
    expect(p.alignment.rows).toBe(p.oursTotal);
    const { rows } = await call(w, 'diff/rows', { sessionId: s.id, pairKey: p.key, view: 'aligned', from: 340, count: 10 });
    const gap = rows.find((r) => r.row === 343)!;
    expect(gap.status).toBe('only-ours');
    expect(gap.canary).toBeNull();
    expect(gap.ours?.summary).toContain('NtYieldExecution');
    expect(rows.filter((r) => r.row !== 343).map((r) => r.status)).toEqual(Array(9).fill('same'));
    expect(rows.find((r) => r.row === 344)).toMatchObject({ canary: { position: 343 }, ours: { position: 344 } });
    // The positional view, as the reference sees it: every row from 343 on differs.
    const positional = await call(w, 'diff/rows', { sessionId: s.id, pairKey: p.key, view: 'positional', from: 343, count: 5 });
    expect(positional.rows.map((r) => r.status)).toEqual(Array(5).fill('differs'));
  });

  it('n goes from hunk to hunk, not row to row; p back', async () => {
    const p = s.pairs.find((x) => x.key === 'n6')!;
    const seek = (from: number, direction: 1 | -1): Promise<{ row: number | null; hunk: number | null }> =>
      call(w, 'diff/seek', { sessionId: s.id, pairKey: p.key, view: 'aligned', from, direction });
    expect(await seek(0, 1)).toEqual({ row: 343, hunk: 0 });
    expect(await seek(343, 1)).toEqual({ row: null, hunk: null });
    expect(await seek(500, -1)).toEqual({ row: 343, hunk: 0 });
    expect(await seek(343, -1)).toEqual({ row: null, hunk: null });
    const hunks = await call(w, 'diff/hunks', { sessionId: s.id, pairKey: p.key, from: 0, count: 10 });
    expect(hunks.total).toBe(1);
    expect(hunks.hunks[0]).toMatchObject({ index: 0, op: 'insert', row: 343, rows: 1, canary: [343, 343], ours: [343, 344] });
    expect(hunks.hunks[0]!.description).toMatch(/ours has 1 event canary does not/);
  });

  it('names the nested path of a changed value, and jumps and bookmarks land on the aligned rows', async () => {
    const p = s.pairs.find((x) => x.key === 'n8')!; // ours changed payload.status at 260
    const seek = await call(w, 'diff/seek', { sessionId: s.id, pairKey: p.key, view: 'aligned', from: 0, direction: 1 });
    const detail = await call(w, 'diff/detail', { sessionId: s.id, pairKey: p.key, view: 'aligned', row: seek.row! });
    expect(detail.status).toBe('differs');
    expect(detail.difference).toMatchObject({ field: 'payload', key: 'status', path: 'payload.status', canary: "'0x00000000'", ours: "'changed'" });
    expect(detail.canary?.json).toContain('"status": "0x00000000"');
    const n6 = s.pairs.find((x) => x.key === 'n6')!;
    const jump = await call(w, 'diff/jump', { sessionId: s.id, pairKey: n6.key, view: 'aligned', side: 'canary', tidEventIdx: 400 });
    expect(jump).toMatchObject({ position: 400, exact: true, row: 401 });
    const b = await call(w, 'bookmark/add', { sessionId: s.id, pairKey: n6.key, view: 'aligned', row: 343, title: 'the extra yield', note: '' });
    expect([b.canaryPosition, b.oursPosition]).toEqual([null, 343]);
    const ov = await call(w, 'diff/overview', { sessionId: s.id, pairKey: n6.key, view: 'aligned', buckets: 200 });
    expect(ov.marks).toEqual([{ row: 343, rows: 1, op: 'insert' }]);
    expect(ov.bookmarks).toEqual([{ id: b.id, row: 343 }]);
  });

  it('keeps every answer bounded: a long value is elided in the rows, whole in the detail only when asked', async () => {
    const big = join(dir, 'big');
    const line = (idx: number, blob: string): string => JSON.stringify({ tid: 1, tid_event_idx: idx, kind: 'kernel.call', payload: { name: 'Big', blob } });
    const events = Array.from({ length: 30 }, (_, i) => line(i, String(i % 10).repeat(2_500_000)));
    writeFileSync(`${big}-c.jsonl`, ['{"kind": "schema_version", "schema_version": 1}', ...events].join('\n') + '\n');
    writeFileSync(`${big}-o.jsonl`, ['{"kind": "schema_version", "schema_version": 1}', ...events.slice(0, 29), line(29, 'x')].join('\n') + '\n');
    const bs = await call(w, 'session/open', { jobId: 'big', canaryPath: `${big}-c.jsonl`, oursPath: `${big}-o.jsonl` });
    const pk = bs.pairs[0]!.key;
    const r = await w.handle('diff/rows', { sessionId: bs.id, pairKey: pk, view: 'aligned', from: 0, count: 30 });
    expect(r.ok).toBe(true);
    expect(JSON.stringify(r).length).toBeLessThan(200_000);
    const d = await call(w, 'diff/detail', { sessionId: bs.id, pairKey: pk, view: 'aligned', row: 0 });
    expect(d.canary!.truncated).toBe(true);
    expect(d.canary!.bytes).toBeGreaterThan(2_500_000);
    expect(d.canary!.json.length).toBeLessThan(300_000);
    const whole = await call(w, 'diff/detail', { sessionId: bs.id, pairKey: pk, view: 'aligned', row: 0, full: true });
    expect(whole.canary!.truncated).toBe(false);
    expect(whole.canary!.json).toContain('0'.repeat(2_500_000));
  });
});

describe('session files cannot hurt the notes already here', () => {
  let w: Workbench;
  const data = join(dir, 'data-safe');
  const demo = { canary: join(ROOT, 'resources/demo/canary.jsonl'), ours: join(ROOT, 'resources/demo/ours.jsonl') };
  let mine: SessionView;
  let noteId = '';

  beforeAll(async () => {
    w = bench(data);
    mine = await call(w, 'session/open', { jobId: 'safe-1', canaryPath: demo.canary, oursPath: demo.ours });
    const b = await call(w, 'bookmark/add', { sessionId: mine.id, pairKey: 'n6', view: 'aligned', row: 343, title: 'mine', note: 'my note, word for word' });
    noteId = b.id;
  });
  afterAll(() => w.close());

  /** A session file of the other pair (canary, ours), with one bookmark, as JSON to tamper with. */
  async function otherFile(): Promise<{ path: string; json: Record<string, unknown> & { bookmarks: Record<string, unknown>[] } }> {
    const other = await call(w, 'session/open', { jobId: `other-${Math.random()}`, canaryPath: canary, oursPath: ours });
    const p = other.pairs[0]!;
    await call(w, 'bookmark/add', { sessionId: other.id, pairKey: p.key, view: 'aligned', row: 0, title: 'theirs', note: 'their note' });
    const path = join(dir, `other-${Math.random()}.lockstep`);
    await call(w, 'session/save-as', { sessionId: other.id, path });
    return { path, json: JSON.parse(readFileSync(path, 'utf8')) as never };
  }

  async function myNote(): Promise<string | undefined> {
    const again = await call(w, 'session/open', { jobId: `mine-${Math.random()}`, canaryPath: demo.canary, oursPath: demo.ours });
    return again.bookmarks.find((b) => b.id === noteId)?.note;
  }

  it('refuse a file with one malformed bookmark, whole, before anything is written', async () => {
    const { path, json } = await otherFile();
    json.bookmarks[0]!.canaryTid = '{not json';
    writeFileSync(path, JSON.stringify(json));
    const r = await w.handle('session/open-file', { jobId: 'bad-tid', path });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/damaged session file \(session\.bookmarks\[0\]\.canaryTid is not the JSON of a tid\)/);
    expect(await myNote()).toBe('my note, word for word');
  });

  it('never let a file change another session’s bookmark through a reused id', async () => {
    const { path, json } = await otherFile();
    json.bookmarks[0]!.id = noteId;
    json.bookmarks[0]!.note = 'OVERWRITTEN';
    json.bookmarks[0]!.updatedAt = new Date().toISOString();
    writeFileSync(path, JSON.stringify(json));
    const r = await call(w, 'session/open-file', { jobId: 'reuse', path });
    expect(r.kind).toBe('opened');
    if (r.kind === 'opened') {
      const imported = r.session.bookmarks.find((b) => b.note === 'OVERWRITTEN');
      expect(imported).toBeDefined();
      expect(imported!.id).not.toBe(noteId);
    }
    expect(await myNote()).toBe('my note, word for word');
  });

  it('refuse a time in the far future (it would win every later merge)', async () => {
    const { path, json } = await otherFile();
    json.bookmarks[0]!.updatedAt = '2999-01-01T00:00:00.000Z';
    writeFileSync(path, JSON.stringify(json));
    const r = await w.handle('session/open-file', { jobId: 'future', path });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/session\.bookmarks\[0\]\.updatedAt is in the future/);
  });

  it('accept a file with a UTF-8 byte-order mark', async () => {
    const { path } = await otherFile();
    writeFileSync(path, '\uFEFF' + readFileSync(path, 'utf8'));
    const r = await call(w, 'session/open-file', { jobId: 'bom', path });
    expect(r.kind).toBe('opened');
  });

  it('open a session whose stored bookmark is damaged: that one left out with a warning, the rest there', async () => {
    const extra = await call(w, 'bookmark/add', { sessionId: mine.id, pairKey: 'n6', view: 'aligned', row: 10, title: 'broken one', note: '' });
    w.close();
    const raw = new Database(join(data, 'sessions.sqlite'));
    raw.prepare("UPDATE bookmarks SET canary_tid = '{not json' WHERE bookmark_id = ?").run(extra.id);
    raw.close();
    w = bench(data);
    const again = await call(w, 'session/open', { jobId: 'damaged-row', canaryPath: demo.canary, oursPath: demo.ours });
    expect(again.bookmarks.map((b) => b.id)).toContain(noteId);
    expect(again.bookmarks.map((b) => b.id)).not.toContain(extra.id);
    expect(again.warnings.join('\n')).toMatch(/a stored bookmark \(.*“broken one”\) cannot be read and is left out/);
    const json = JSON.parse((await call(w, 'report/export', { sessionId: again.id, format: 'json' })).text) as { pairs: { bookmarks: unknown[] }[] };
    expect(json.pairs.flatMap((p) => p.bookmarks)).toHaveLength(1);
  });
});

describe('tids that hold lone surrogates (a JSON "\\udcff")', () => {
  // Two tids SQLite's UTF-8 TEXT would both have made U+FFFD: one thread, or none found.
  const sDir = mkdtempSync(join(tmpdir(), 'surrogate-tids-'));
  const sCanary = join(sDir, 'canary.jsonl');
  const sOurs = join(sDir, 'ours.jsonl');
  const header = '{"kind": "schema_version", "schema_version": 1}';
  const log = (tids: string[], diverge: boolean): string =>
    [
      header,
      ...tids.flatMap((t, i) => [
        `{"tid": ${t}, "tid_event_idx": 0, "kind": "kernel.call", "payload": {"name": "Start${i}"}}`,
        `{"tid": ${t}, "tid_event_idx": 1, "kind": "kernel.call", "payload": {"name": "${diverge && i === 1 ? 'B' : 'A'}"}}`,
      ]),
    ].join('\n') + '\n';
  writeFileSync(sCanary, log(['"\\udcff"', '"\\udcfe"'], false));
  writeFileSync(sOurs, log(['"\\udcfe"', '"x\\ud800"'], true));
  afterAll(() => rmSync(sDir, { recursive: true, force: true }));

  it('keeps each one exact through the index, the sessions database and a session file', async () => {
    const data = join(sDir, 'data');
    let w = bench(data);
    const s = await call(w, 'session/open', { jobId: 's1', canaryPath: sCanary, oursPath: sOurs });
    // Paired by first kernel.call name, in ascending canary tid ('\udcfe' < '\udcff').
    expect(s.pairs.map((p) => [p.canary.tid, p.ours.tid])).toEqual([
      ['\udcfe', 'x\ud800'],
      ['\udcff', '\udcfe'],
    ]);
    const second = s.pairs[0]!;
    expect(second.divergence?.position).toBe(1);
    // Its rows are the events of these two threads (canary's second, ours' second), not of a thread that shares the mangled key.
    const { rows } = await call(w, 'diff/rows', { sessionId: s.id, pairKey: second.key, view: 'positional', from: 0, count: 5 });
    expect(rows.map((r) => [r.status, r.canary?.line, r.ours?.line])).toEqual([
      ['same', 4, 4],
      ['differs', 5, 5],
    ]);
    // diff_events.py's render_event: `[idx] kind name`.
    expect(rows.map((r) => [r.canary?.summary, r.ours?.summary])).toEqual([
      ['[0] kernel.call Start1', '[0] kernel.call Start1'],
      ['[1] kernel.call A', '[1] kernel.call B'],
    ]);
    const detail = await call(w, 'diff/detail', { sessionId: s.id, pairKey: second.key, view: 'positional', row: 1 });
    expect(JSON.parse(detail.canary!.json).tid).toBe('\udcfe');
    expect(JSON.parse(detail.ours!.json).tid).toBe('x\ud800');
    await call(w, 'bookmark/add', { sessionId: s.id, pairKey: second.key, view: 'positional', row: 1, title: 'on the second', note: '' });
    await call(w, 'session/place', { sessionId: s.id, pairKey: second.key, view: 'positional', row: 1 });
    const file = join(sDir, 's.lockstep');
    await call(w, 'session/save-as', { sessionId: s.id, path: file });
    w.close();

    // The sessions database holds the tids as exact JSON (ASCII escapes).
    const db = new Database(join(data, 'sessions.sqlite'), { readonly: true });
    expect(db.prepare('SELECT canary_tid, ours_tid FROM bookmarks').all()).toEqual([{ canary_tid: '"\\udcfe"', ours_tid: '"x\\ud800"' }]);
    db.close();

    // Restart: the same pairs, the bookmark on its pair, the place kept.
    w = bench(data);
    const again = await call(w, 'session/open', { jobId: 's2', canaryPath: sCanary, oursPath: sOurs });
    w.close();
    expect(again.pairs.map((p) => p.key)).toEqual(s.pairs.map((p) => p.key));
    expect(again.bookmarks.map((b) => [b.pairKey, b.title])).toEqual([[second.key, 'on the second']]);
    expect(again.place).toEqual({ pairKey: second.key, view: 'positional', row: 1 });

    // Another data directory, from the session file.
    const w2 = bench(join(sDir, 'other'));
    try {
      const opened = await call(w2, 'session/open-file', { jobId: 's3', path: file });
      expect(opened.kind).toBe('opened');
      if (opened.kind !== 'opened') return;
      expect(opened.session.bookmarks.map((b) => [b.pairKey, b.title])).toEqual([[second.key, 'on the second']]);
      expect(opened.session.pairs.map((p) => p.key)).toEqual(s.pairs.map((p) => p.key));
      expect(opened.session.place).toEqual({ pairKey: second.key, view: 'positional', row: 1 });
    } finally {
      w2.close();
    }
  });
});
