// A log rewritten after it was indexed, the way an engine run again over the
// same file does it: in place, same size, even with its old mtime put back.
// Nothing read from it may be shown as what it was: the viewer refuses, names
// the file and offers to index it again; the bytes read back are checked
// against the keys indexed. A session reopened from Open recent over a changed
// log says so, as the same session opened from its file does.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventName, Events, RequestArg, RequestName, RequestResult, Result } from '../../src/shared/api';
import { IndexedLog } from '../../src/main/diff/indexedLog';
import { generatePair } from '../../src/main/generator/generateLogs';
import { ingestLog } from '../../src/main/ingest/ingestLog';
import { LogChangedError } from '../../src/main/ingest/logErrors';
import { openDb } from '../../src/main/store/db';
import { Workbench } from '../../src/main/service/workbench';

const dir = mkdtempSync(join(tmpdir(), 'changed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pair(name: string): { canary: string; ours: string } {
  const canary = join(dir, `${name}-canary.jsonl`);
  const ours = join(dir, `${name}-ours.jsonl`);
  generatePair(canary, ours, { seed: `changed-${name}`, eventsPerThread: 400, threads: 3, profile: 'realistic', divergences: 1 });
  return { canary, ours };
}

/** Rewrite a log in place: every `"result": 0` becomes `"result": 1` (same size), and its mtime put back as it was. */
function rewriteInPlace(path: string): void {
  const st = statSync(path);
  const ns = statSync(path, { bigint: true }).mtimeNs;
  const text = readFileSync(path, 'utf8');
  const changed = text.replaceAll('"result": 0', '"result": 1');
  expect(changed).not.toBe(text);
  expect(changed.length).toBe(text.length);
  writeFileSync(path, changed);
  // touch sets the time to the nanosecond (utimes from JavaScript rounds it).
  expect(spawnSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, path]).status).toBe(0);
  expect(statSync(path).size).toBe(st.size);
  expect(statSync(path).mtimeMs).toBe(st.mtimeMs);
}

async function req<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<Result<RequestResult<K>>> {
  return (await w.handle(name, arg)) as Result<RequestResult<K>>;
}

describe('a log rewritten while its session is open', () => {
  it('rows and details are refused in one line naming the file, and the page is told to index it again', async () => {
    const logs = pair('open');
    const w = new Workbench({ dataDir: join(dir, 'data-open'), host: 'browser', version: 'test', demo: null });
    const events: [EventName, Events[EventName]][] = [];
    w.onEvent((e, p) => events.push([e, p]));
    try {
      const s = await req(w, 'session/open', { jobId: 'a', canaryPath: logs.canary, oursPath: logs.ours });
      if (!s.ok) throw new Error(s.error.message);
      const p = s.value.pairs[0]!;
      const before = await req(w, 'diff/rows', { sessionId: s.value.id, pairKey: p.key, view: 'positional', from: 0, count: 400 });
      expect(before.ok).toBe(true);
      rewriteInPlace(logs.ours);
      await new Promise((r) => setTimeout(r, 60));
      for (const [name, arg] of [
        ['diff/rows', { sessionId: s.value.id, pairKey: p.key, view: 'positional', from: 0, count: 400 }],
        ['diff/detail', { sessionId: s.value.id, pairKey: p.key, view: 'positional', row: 3 }],
      ] as const) {
        const r = await w.handle(name, arg);
        expect(r.ok, name).toBe(false);
        if (!r.ok) {
          expect(r.error.code).toBe('input');
          expect(r.error.message).toMatch(
            new RegExp(
              `^${logs.ours.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+)?: the log changed since it was indexed \\(.+\\); open it again to index it again$`,
            ),
          );
        }
      }
      expect(events.some(([e, x]) => e === 'app/log-changed' && (x as Events['app/log-changed']).file === logs.ours)).toBe(true);
      // Opening again indexes it again: what is shown is what it holds now.
      const again = await req(w, 'session/open', { jobId: 'b', canaryPath: logs.canary, oursPath: logs.ours });
      if (!again.ok) throw new Error(again.error.message);
      const rows = await req(w, 'diff/rows', { sessionId: again.value.id, pairKey: p.key, view: 'positional', from: 0, count: 400 });
      if (!rows.ok) throw new Error(rows.error.message);
      const oursText = rows.value.rows.map((r) => r.ours?.summary ?? '').join('\n');
      expect(oursText).toContain("'result': 1");
      expect(oursText).not.toContain("'result': 0");
    } finally {
      w.close();
    }
  });
});

describe('the bytes read back', () => {
  it('are checked against the keys indexed, even when size and mtime say nothing changed', () => {
    const logs = pair('bytes');
    const db = openDb(join(dir, 'bytes.sqlite'));
    try {
      const { log } = ingestLog(db, logs.ours, logs.ours);
      rewriteInPlace(logs.ours);
      const indexed = new IndexedLog(db, log, logs.ours);
      const t = indexed.threads[0]!;
      let refused: unknown = null;
      try {
        for (let pos = 0; pos < t.eventCount; pos++) indexed.event(t.threadNo, pos, true);
      } catch (e) {
        refused = e;
      }
      expect(refused).toBeInstanceOf(LogChangedError);
      expect((refused as Error).message).toMatch(/:\d+: the log changed since it was indexed \(this line is not what was indexed\)/);
      indexed.close();
    } finally {
      db.close();
    }
  });
});

describe('a session reopened from Open recent over a changed log', () => {
  it('says the log changed since the session last saw it', async () => {
    const logs = pair('recent');
    const data = join(dir, 'data-recent');
    let w = new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
    const first = await req(w, 'session/open', { jobId: 'a', canaryPath: logs.canary, oursPath: logs.ours });
    expect(first.ok && first.value.warnings.filter((x) => x.includes('changed since'))).toEqual([]);
    w.close();
    const text = readFileSync(logs.ours, 'utf8');
    writeFileSync(logs.ours, text.replace('"result": 0', '"result": 7')); // a real edit, the mtime moves
    w = new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
    try {
      const info = await req(w, 'app/info', {});
      const recent = info.ok ? info.value.recent[0]! : null;
      expect(recent?.oursPath).toBe(logs.ours);
      const again = await req(w, 'session/open', { jobId: 'b', canaryPath: recent!.canaryPath, oursPath: recent!.oursPath });
      if (!again.ok) throw new Error(again.error.message);
      expect(again.value.warnings).toContain(
        `ours ${logs.ours} changed since this session last saw it: it was indexed again; bookmarks stay at their positions in the new log, check them`,
      );
    } finally {
      w.close();
    }
    // Reopened from Open recent, it is the same session (one row), not a new one.
    const sessions = new Database(join(data, 'sessions.sqlite'), { readonly: true });
    expect((sessions.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n).toBe(1);
    sessions.close();
  });
});
