import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { generatePair } from '../generator/generateLogs';
import { openDb, type Db } from '../store/db';
import { listThreads } from '../store/logIndex';
import { CHUNK_BYTES } from './lineSplitter';
import { ingestLog, type IngestProgress } from './ingestLog';
import { IngestCancelled, LogInputError } from './logErrors';

const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = '{"kind": "schema_version", "schema_version": 1}';
let db: Db;
let n = 0;
beforeEach(() => {
  db = openDb(join(dir, `index-${n++}.sqlite`));
});

function log(name: string, lines: string[], nl = '\n'): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join(nl) + nl);
  return path;
}

function ev(tid: number | string, idx: number, kind = 'kernel.call', payload = '{"name": "A"}'): string {
  return `{"tid": ${typeof tid === 'string' ? tid : tid}, "tid_event_idx": ${idx}, "kind": "${kind}", "payload": ${payload}}`;
}

function inputError(f: () => unknown): LogInputError {
  try {
    f();
  } catch (e) {
    if (e instanceof LogInputError) return e;
    throw e;
  }
  throw new Error('expected a LogInputError');
}

/** str(JSONDecodeError) for json.loads(text), from Python itself. */
function pythonJsonError(text: string): string {
  const r = spawnSync('python3', ['-c', 'import json,sys\ntry: json.loads(sys.argv[1])\nexcept json.JSONDecodeError as e: print(e)', text], {
    encoding: 'utf8',
  });
  return r.stdout.trim();
}

function counts(): { logs: number; threads: number; blocks: number } {
  const c = (t: string): number => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return { logs: c('logs'), threads: c('threads'), blocks: c('blocks') };
}

describe('validation, as the reference loads a log', () => {
  it('names the file and the line of invalid JSON, counting lines as Python does (CRLF, lone CR, blank lines)', () => {
    const bad = '{"tid": 1, "tid_event_idx": 2,';
    const path = log('bad-json.jsonl', [HEADER, ev(1, 0), '', ev(1, 1), bad], '\r\n');
    const e = inputError(() => ingestLog(db, path, 'bad-json.jsonl'));
    expect(e.message).toBe(`bad-json.jsonl:5: invalid JSON (${pythonJsonError(bad)})`);
    const cr = log('cr.jsonl', [HEADER + '\r' + ev(1, 0) + '\r' + '{oops}']);
    expect(inputError(() => ingestLog(db, cr, 'cr.jsonl')).line).toBe(3);
  });

  it('rejects an event without tid, and a thread whose tid_event_idx goes back', () => {
    const noTid = log('no-tid.jsonl', [HEADER, ev(1, 0), '{"tid_event_idx": 1, "kind": "x"}']);
    expect(inputError(() => ingestLog(db, noTid, 'no-tid.jsonl')).message).toBe('no-tid.jsonl:3: missing tid');
    const order = log('order.jsonl', [HEADER, ev(1, 0), ev(2, 0), ev(1, 5), ev(1, 3)]);
    expect(inputError(() => ingestLog(db, order, 'order.jsonl')).message).toMatch(/^order\.jsonl:5: tid=1 events out of order at index 2/);
  });

  it('accepts an index that equals the position even when it goes back (the reference never checks it)', () => {
    const path = log('pos.jsonl', [HEADER, ev(1, 5), ev(1, 1), ev(1, 7)]);
    expect(ingestLog(db, path, 'pos.jsonl').log.eventCount).toBe(3);
  });

  it('wants the header first, with schema_version 1 (1.0 and true are 1 in Python)', () => {
    expect(inputError(() => ingestLog(db, log('h1.jsonl', [ev(1, 0)]), 'h1.jsonl')).message).toBe(
      "h1.jsonl:1: first event is not schema_version (got 'kernel.call')",
    );
    expect(inputError(() => ingestLog(db, log('h2.jsonl', ['{"kind": "schema_version", "schema_version": 2}']), 'h2.jsonl')).message).toBe(
      'h2.jsonl:1: schema_version mismatch (expected 1, got 2)',
    );
    for (const v of ['1.0', 'true']) {
      const p = log(`h-${v}.jsonl`, [`{"kind": "schema_version", "schema_version": ${v}}`, ev(1, 0)]);
      expect(ingestLog(db, p, 'h.jsonl').log.eventCount).toBe(1);
    }
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    expect(inputError(() => ingestLog(db, empty, 'empty.jsonl')).message).toBe('empty.jsonl: empty file');
  });

  it('names a missing file and a directory in one line', () => {
    expect(inputError(() => ingestLog(db, join(dir, 'nope.jsonl'), 'nope.jsonl')).message).toBe('nope.jsonl: no such file');
    expect(inputError(() => ingestLog(db, dir, 'somedir')).message).toBe('somedir: is a directory, not a log file');
  });

  it('leaves nothing in the index when a log is rejected', () => {
    const path = log('late-error.jsonl', [HEADER, ...Array.from({ length: 5000 }, (_, i) => ev(i % 7, Math.floor(i / 7))), '{bad']);
    inputError(() => ingestLog(db, path, 'late-error.jsonl'));
    expect(counts()).toEqual({ logs: 0, threads: 0, blocks: 0 });
  });
});

describe('the index', () => {
  it('keeps tids exactly, as first seen, and per-thread facts the mapping needs', () => {
    const path = log('tids.jsonl', [
      HEADER,
      '{"tid": 1.0, "tid_event_idx": 0, "kind": "wait.begin", "payload": {}}',
      '{"tid": 1, "tid_event_idx": 1, "kind": "kernel.call", "payload": {"name": "Ke"}}',
      '{"tid": 18446744073709551617, "tid_event_idx": 0, "kind": "kernel.call", "payload": {"name": "Big"}}',
      '{"tid": 18446744073709551616, "tid_event_idx": 0, "kind": "import.call", "payload": {}}',
      '{"tid": "t", "tid_event_idx": 0, "kind": "kernel.call", "payload": {}}',
    ]);
    const r = ingestLog(db, path, 'tids.jsonl');
    const threads = listThreads(db, r.log.logId);
    expect(threads.map((t) => [t.tidJson, t.eventCount, t.firstCallNameJson])).toEqual([
      ['1.0', 2, '"Ke"'],
      ['18446744073709551617', 1, '"Big"'],
      ['18446744073709551616', 1, null],
      ['"t"', 1, null],
    ]);
  });

  it('reuses the index of an unchanged file and re-indexes a changed one', () => {
    const path = log('reuse.jsonl', [HEADER, ev(1, 0), ev(1, 1)]);
    const first = ingestLog(db, path, 'reuse.jsonl');
    expect(first.reused).toBe(false);
    const again = ingestLog(db, path, 'reuse.jsonl');
    expect(again).toMatchObject({ reused: true, log: { logId: first.log.logId } });
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(ingestLog(db, path, 'reuse.jsonl').reused).toBe(false);
    writeFileSync(path, [HEADER, ev(1, 0), ev(1, 1), ev(1, 2)].join('\n'));
    const changed = ingestLog(db, path, 'reuse.jsonl');
    expect(changed.reused).toBe(false);
    expect(changed.log.eventCount).toBe(3);
  });
});

describe('long ingests', () => {
  const canary = join(dir, 'big-canary.jsonl');
  const ours = join(dir, 'big-ours.jsonl');
  const gen = generatePair(canary, ours, { seed: 'ingest-big', eventsPerThread: 10000, threads: 4, profile: 'realistic', divergences: 1 });

  it('reports progress chunk by chunk up to the whole file', () => {
    expect(gen.canaryBytes).toBeGreaterThan(2 * CHUNK_BYTES);
    const seen: IngestProgress[] = [];
    const r = ingestLog(db, canary, 'big-canary.jsonl', { onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
    expect(seen.at(-1)!.bytesDone).toBe(gen.canaryBytes);
    expect(seen.at(-1)!.bytesTotal).toBe(gen.canaryBytes);
    expect(r.log.eventCount).toBe(gen.canaryEvents);
  });

  it('stops when cancelled and leaves nothing half-written', () => {
    let chunks = 0;
    expect(() => ingestLog(db, ours, 'big-ours.jsonl', { isCancelled: () => ++chunks > 1 })).toThrow(IngestCancelled);
    expect(counts()).toEqual({ logs: 0, threads: 0, blocks: 0 });
    // and a later ingest of the same file works from scratch
    expect(ingestLog(db, ours, 'big-ours.jsonl').log.eventCount).toBe(gen.oursEvents);
  });
});

describe('a log that changes while it is read', () => {
  for (const change of ['grows', 'is truncated'] as const) {
    it(`is refused when it ${change}, and leaves nothing in the index`, () => {
      const c = join(dir, `changing-${change}.jsonl`);
      generatePair(c, join(dir, `changing-${change}-o.jsonl`), {
        seed: `chg-${change}`,
        eventsPerThread: 6000,
        threads: 4,
        profile: 'realistic',
        divergences: 0,
      });
      let chunks = 0;
      const e = inputError(() =>
        ingestLog(db, c, 'changing.jsonl', {
          isCancelled: () => {
            if (++chunks === 1) {
              if (change === 'grows') appendFileSync(c, ev(1, 999999) + '\n');
              else truncateSync(c, 1000);
            }
            return false;
          },
        }),
      );
      expect(e.message).toMatch(/^changing\.jsonl: the file changed while it was being read/);
      expect(counts()).toEqual({ logs: 0, threads: 0, blocks: 0 });
    });
  }
});
