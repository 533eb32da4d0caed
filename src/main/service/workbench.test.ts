// The workbench service end to end under Node: real logs, real SQLite, a real
// second process for "another machine", and the CLI as the yardstick for exports.
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
    const rows = await call(w, 'diff/rows', { sessionId: s.id, pairKey: p.key, from: Math.max(0, d - 2), count: 5 });
    expect(rows.total).toBe(Math.max(p.canaryTotal, p.oursTotal));
    const at = rows.rows.find((r) => r.position === d)!;
    expect(at.status).toBe('differs');
    expect(at.difference?.description).toBe(p.divergence!.description);
    expect(rows.rows.filter((r) => r.position < d).every((r) => r.status === 'same')).toBe(true);
    expect((await call(w, 'diff/seek', { sessionId: s.id, pairKey: p.key, from: -1, direction: 1 })).position).toBe(d);
    expect((await call(w, 'diff/seek', { sessionId: s.id, pairKey: p.key, from: d, direction: -1 })).position).toBe(null);
    const idx = Number(at.canary!.tidEventIdx);
    expect((await call(w, 'diff/jump', { sessionId: s.id, pairKey: p.key, side: 'canary', tidEventIdx: idx })).position).toBe(d);
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
      position: p.divergence!.position,
      title: 'wrong kind',
      note: 'ours returns **early** here\n\n- check `KeSetEvent`',
      atDivergence: true,
    });
    await call(w, 'bookmark/update', { sessionId: s.id, bookmarkId: b.id, title: 'wrong kind after wait', note: b.note + '\n- second look' });
    const extra = await call(w, 'bookmark/add', { sessionId: s.id, pairKey: p.key, position: 0, title: 'start', note: '' });
    await call(w, 'bookmark/delete', { sessionId: s.id, bookmarkId: extra.id });
    await call(w, 'map/pair', { sessionId: s.id, canaryTidKey: s.pairs[0]!.key, oursTidKey: s.pairs[1]!.ours.tidKey, exclusive: false });
    await call(w, 'session/place', { sessionId: s.id, pairKey: p.key, position: 7 });
    const file = join(dir, 'triage.lockstep');
    await call(w, 'session/save-as', { sessionId: s.id, path: file });

    // Restart on the same data: everything is there.
    w.close();
    w = bench(data);
    const again = await call(w, 'session/open', { jobId: 'j2', canaryPath: canary, oursPath: ours });
    expect(again.id).toBe(s.id);
    expect(again.bookmarks.map((x) => [x.title, x.note, x.position, x.atDivergence])).toEqual([
      ['wrong kind after wait', b.note + '\n- second look', p.divergence!.position, true],
    ]);
    expect(again.manualMap).toBe(true);
    expect(again.place).toEqual({ pairKey: p.key, position: 7 });

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
      expect(r.session.bookmarks.map((b) => [b.title, b.pairKey, b.position])).toEqual([['kind flips after the wait', 'n6', 343]]);
      expect(r.session.manualMap).toBe(true);
      expect(r.session.place).toEqual({ pairKey: 'n6', position: 340 });
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
