// The diff engine on threads longer than a block, with divergences placed at
// block boundaries, against the reference's report for the same files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestLog } from '../ingest/ingestLog';
import { renderReferenceReport } from '../report/referenceMarkdown';
import { openDb, type Db } from '../store/db';
import { BLOCK_SIZE } from '../store/eventBlock';
import { referenceComparison } from './comparison';
import { diffLogs, NoTidMapping, type DiffOptions, type DiffResult } from './diffLogs';
import { IndexedLog } from './indexedLog';
import { RuledLog } from './ruledLog';

const REFERENCE = process.env.LOCKSTEP_REFERENCE ?? resolve(__dirname, '../../../../shared/reference/diff_events.py');
const dir = mkdtempSync(join(tmpdir(), 'difflogs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Side = 'canary' | 'ours';
interface ThreadPlan {
  tid: Record<Side, number>;
  length: Record<Side, number>;
  /** The event at a position, per side. */
  event(pos: number, side: Side): Record<string, unknown> | string;
}

const B = BLOCK_SIZE;
function call(pos: number): Record<string, unknown> {
  return { kind: pos % 2 === 0 ? 'kernel.call' : 'kernel.return', payload: { name: pos === 0 ? 'Entry' : 'NtReadFile', ord: 7, n: pos } };
}
const plans: ThreadPlan[] = [
  { tid: { canary: 6, ours: 1 }, length: { canary: B, ours: B }, event: (p) => call(p) },
  {
    tid: { canary: 7, ours: 2 },
    length: { canary: 2 * B + 100, ours: 2 * B + 100 },
    event: (p, s) => (p === B && s === 'ours' ? { ...call(p), payload: { name: 'NtReadFile', ord: 7, n: -1 } } : call(p)),
  },
  {
    tid: { canary: 8, ours: 3 },
    length: { canary: 2 * B, ours: 2 * B },
    event: (p, s) => (p === B - 1 && s === 'ours' ? { ...call(p), kind: 'import.call' } : call(p)),
  },
  { tid: { canary: 9, ours: 4 }, length: { canary: 2 * B, ours: 2 * B + 8 }, event: (p) => call(p) },
  {
    // Allocator returns: raw addresses differ on every one, canonicalized they agree until ours adds a field.
    tid: { canary: 10, ours: 5 },
    length: { canary: 2 * B + 5, ours: 2 * B + 5 },
    event: (p, s) => {
      if (p === 0) return call(0);
      const va = (s === 'canary' ? 0xbc220000 : 0x40105000) + p;
      const payload: Record<string, unknown> = { name: 'RtlAllocateHeap', ord: 189, return_value: va, status: `0x${va.toString(16)}` };
      if (p === 2 * B - 1 && s === 'ours') payload.extra = 1;
      return { kind: 'kernel.return', payload };
    },
  },
  {
    // A NaN at the top of a payload never equals itself: the diff must look at it exactly.
    tid: { canary: 11, ours: 6 },
    length: { canary: B + 600, ours: B + 600 },
    event: (p) => (p === B + 500 ? `{"tid": TID, "tid_event_idx": ${p}, "kind": "wait.end", "payload": {"result": NaN}}` : call(p)),
  },
];

function writeLog(side: Side): string {
  const lines = ['{"kind": "schema_version", "schema_version": 1}'];
  const cursors = plans.map(() => 0);
  let live = true;
  while (live) {
    live = false;
    plans.forEach((t, i) => {
      for (let k = 0; k < (side === 'canary' ? 3 : 2) && cursors[i]! < t.length[side]; k++) {
        const p = cursors[i]!++;
        const e = t.event(p, side);
        lines.push(
          typeof e === 'string'
            ? e.replace('TID', String(t.tid[side]))
            : JSON.stringify({ tid: t.tid[side], tid_event_idx: p, ...e, host_ns: 1000 + p, engine: side }),
        );
        live = true;
      }
    });
  }
  const path = join(dir, `${side}.jsonl`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

let db: Db;
let canary: IndexedLog;
let ours: IndexedLog;
beforeAll(() => {
  db = openDb(join(dir, 'index.sqlite'));
  const c = writeLog('canary');
  const o = writeLog('ours');
  canary = new IndexedLog(db, ingestLog(db, c, 'canary.jsonl').log, 'canary.jsonl', c);
  ours = new IndexedLog(db, ingestLog(db, o, 'ours.jsonl').log, 'ours.jsonl', o);
});

/** diffLogs with the reference's rules, allocator canonicalization as asked. */
function diff(opts: DiffOptions & { canonicalize: boolean }): DiffResult {
  const cmp = referenceComparison(opts.canonicalize);
  return diffLogs(new RuledLog(canary, cmp), new RuledLog(ours, cmp), opts);
}

function positions(r: DiffResult): (number | null)[] {
  return r.pairs.map((p) => p.divergence?.position ?? null);
}

describe('first divergence across blocks', () => {
  it('finds each divergence at its position, at and around block boundaries', () => {
    const r = diff({ canonicalize: true });
    expect(r.pairs.map((p) => p.canaryTid)).toEqual([6n, 7n, 8n, 9n, 10n, 11n]);
    expect(positions(r)).toEqual([null, B, B - 1, null, 2 * B - 1, B + 500]);
    expect(r.pairs[3]!.matched).toBe(2 * B);
    expect(r.pairs[1]!.divergence!.preContext).toHaveLength(5);
  });

  it('compares allocator returns raw when canonicalization is off', () => {
    const r = diff({ canonicalize: false });
    expect(positions(r)).toEqual([null, B, B - 1, null, 1, B + 500]);
  });

  it('reports no mapping when nothing pairs (the reference exits 2)', () => {
    expect(() => diff({ canonicalize: true, tidMapArg: '99=98' })).not.toThrow();
    const r = diff({ canonicalize: true, tidMapArg: '99=98,6=1' });
    expect(r.warnings).toEqual(['warn: canary tid 99 not in stream; skipping']);
    expect(() => diff({ canonicalize: true, tidMapArg: ' , ' })).toThrow(NoTidMapping);
  });

  it.skipIf(!existsSync(REFERENCE))('prints what the reference prints, both canonicalization settings', () => {
    for (const flags of [[], ['--no-canonicalize-allocators']]) {
      const ref = spawnSync('python3', [REFERENCE, '--canary', 'canary.jsonl', '--ours', 'ours.jsonl', ...flags], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      expect(ref.status).toBe(0);
      const r = diff({ canonicalize: flags.length === 0 });
      expect(renderReferenceReport(r)).toBe(ref.stdout);
    }
  });
});
