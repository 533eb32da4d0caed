// The alignment under rules, checked on exact values: every event outside the
// hunks is equal by the exact comparison under the same rules (not by the
// keys the alignment used), and a rule that leaves out what an edit changed
// makes that edit's hunk go away.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { comparisonOf, referenceComparison } from '../diff/comparison';
import { compareEventsUnder } from '../diff/compareUnderRules';
import { diffLogs } from '../diff/diffLogs';
import type { ThreadSide } from '../diff/firstDivergence';
import { IndexedLog } from '../diff/indexedLog';
import { RuledLog } from '../diff/ruledLog';
import { generatedTidMap, generatePair, type Edit } from '../generator/generateLogs';
import { ingestLog } from '../ingest/ingestLog';
import { parseRules } from '../rules/rulesFile';
import { openDb } from '../store/db';
import { computeAlignment } from './alignPair';
import type { Alignment } from './alignThreads';

const dir = mkdtempSync(join(tmpdir(), 'align-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Events between the hunks, pair by pair, equal under the rules (tid_event_idx aside, as the alignment compares). */
function checkOutsideHunks(a: Alignment, c: ThreadSide, o: ThreadSide): number {
  let i = 0;
  let j = 0;
  let checked = 0;
  const equalRun = (n: number): void => {
    for (let k = 0; k < n; k++, i++, j++, checked++) {
      const d = compareEventsUnder(c.log.rules, c.log.event(c.thread.threadNo, i), o.log.event(o.thread.threadNo, j), { ignoreIdx: true });
      expect(d, `canary ${i} = ours ${j}`).toBeNull();
    }
  };
  for (const h of a.hunks) {
    expect(h.canary[0] - i).toBe(h.ours[0] - j);
    equalRun(h.canary[0] - i);
    i = h.canary[1];
    j = h.ours[1];
  }
  equalRun(c.thread.eventCount - i);
  expect(o.thread.eventCount).toBe(j);
  return checked;
}

describe('the alignment under rules', () => {
  it('leaves out what the rules leave out, and is equal under them outside its hunks', () => {
    const base = join(dir, 'pair');
    const shape = { seed: 'align-rules', eventsPerThread: 3000, threads: 3, profile: 'realistic' as const };
    const edits = new Map<number, Edit[]>([
      [
        0,
        [
          { at: 400, op: 'change', count: 2 },
          { at: 1500, op: 'insert', count: 3 },
        ],
      ],
      [1, [{ at: 900, op: 'change', count: 1 }]],
      [2, [{ at: 100, op: 'delete', count: 2 }]],
    ]);
    generatePair(`${base}-c.jsonl`, `${base}-o.jsonl`, { ...shape, divergences: 0, edits });
    const db = openDb(`${base}.sqlite`);
    const c = new IndexedLog(db, ingestLog(db, `${base}-c.jsonl`, 'c').log, 'c');
    const o = new IndexedLog(db, ingestLog(db, `${base}-o.jsonl`, 'o').log, 'o');
    const pairsUnder = (rules: string | null): { c: ThreadSide; o: ThreadSide; a: Alignment }[] => {
      const cmp = rules === null ? referenceComparison(true) : comparisonOf(true, parseRules(rules, 'test'));
      const cl = new RuledLog(c, cmp);
      const ol = new RuledLog(o, cmp);
      return diffLogs(cl, ol, { tidMapArg: generatedTidMap(shape) }).pairs.map((p) => {
        const s = { c: { log: cl, thread: p.canaryThread }, o: { log: ol, thread: p.oursThread } };
        return { ...s, a: computeAlignment(s.c, s.o) };
      });
    };
    const reference = pairsUnder(null);
    const changesOf = (ps: typeof reference): number => ps.reduce((n, p) => n + p.a.hunks.filter((h) => h.op === 'replace').length, 0);
    expect(changesOf(reference)).toBe(2);

    for (const rules of [
      'skip * payload.lockstep_changed',
      'skip kernel.call payload.args_resolved\nignore-kind wait.begin',
      'pair * payload.raw_handle_id\ncompare handle.create payload.raw_handle_id\nskip * payload.lockstep_changed',
      'canonicalize kernel.call payload.args_resolved.handle\nallocators pair',
    ]) {
      const pairs = pairsUnder(rules);
      let checked = 0;
      for (const p of pairs) checked += checkOutsideHunks(p.a, p.c, p.o);
      expect(checked).toBeGreaterThan(8000);
      // The changed events gained only lockstep_changed: a rule that skips it leaves no replace behind.
      if (rules === 'skip * payload.lockstep_changed') expect(changesOf(pairs)).toBe(0);
    }
    c.close();
    o.close();
    db.close();
  }, 240_000);
});
