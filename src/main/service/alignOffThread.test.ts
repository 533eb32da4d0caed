// The alignment of a newly opened session (and of a remap) runs in a worker:
// the host's thread keeps answering while it runs, progress is pushed, a cancel
// stops it, and what it finds is what an alignment in this thread finds.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlignProgressEvent, Events, RequestArg, RequestName, RequestResult } from '../../shared/api';
import { computeAlignment } from '../align/alignPair';
import { backInStep } from '../align/pairAlignment';
import { comparisonOf, referenceComparison } from '../diff/comparison';
import { diffLogs } from '../diff/diffLogs';
import { IndexedLog } from '../diff/indexedLog';
import { RuledLog } from '../diff/ruledLog';
import { generatePair, plannedEdits } from '../generator/generateLogs';
import { ingestLog } from '../ingest/ingestLog';
import { fromRulesData } from '../rules/rulesData';
import { openDb } from '../store/db';
import { Workbench } from './workbench';

const ROOT = resolve(__dirname, '../../..');
const built = existsSync(join(ROOT, 'out/main/alignWorker.js'));
const dir = mkdtempSync(join(tmpdir(), 'align-off-thread-'));
const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  // 40 pairs of ~8000 events with known edits: well past what is aligned in the host's own thread.
  const shape = { seed: 'off-thread', eventsPerThread: 8000, threads: 40, profile: 'realistic' as const };
  generatePair(canary, ours, { ...shape, divergences: 0, edits: plannedEdits(shape, 10) });
});

async function call<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await w.handle(name, arg);
  if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
  return r.value as RequestResult<K>;
}

describe.skipIf(!built)('the alignment of a session, off the thread that answers requests', () => {
  it('lets the host answer while a new session is aligned, pushes progress, and finds what this thread finds', async () => {
    const w = new Workbench({ dataDir: join(dir, 'data-open'), host: 'browser', version: 'test', demo: null });
    try {
      const progress: AlignProgressEvent[] = [];
      // Set from a callback the event loop runs only when nothing holds the thread.
      let loopRanDuringAlignment = false;
      let answeredDuringAlignment: Promise<unknown> | null = null;
      let opened = false;
      w.onEvent((name, payload) => {
        if (name !== 'align/progress') return;
        progress.push(payload as AlignProgressEvent);
        if (progress.length === 1) {
          setImmediate(() => (loopRanDuringAlignment = !opened));
          answeredDuringAlignment = call(w, 'app/info', {}).then(() => !opened);
        }
      });
      const s = await call(w, 'session/open', { jobId: 'big', canaryPath: canary, oursPath: ours });
      opened = true;
      expect(loopRanDuringAlignment).toBe(true);
      expect(await answeredDuringAlignment).toBe(true);

      expect(progress.every((p) => p.jobId === 'big' && p.sessionId === null)).toBe(true);
      const last = progress[progress.length - 1]!;
      expect(last.pairsTotal).toBe(s.pairs.length);
      expect(last.pairsDone).toBe(last.pairsTotal);
      expect(last.eventsDone).toBe(last.eventsTotal);
      expect(progress.some((p) => p.pairsDone < p.pairsTotal)).toBe(true);

      // The same alignments as this thread computes, pair by pair.
      const db = openDb(join(dir, 'reference.sqlite'));
      const cl = new RuledLog(new IndexedLog(db, ingestLog(db, canary, canary).log, canary), referenceComparison(true));
      const ol = new RuledLog(new IndexedLog(db, ingestLog(db, ours, ours).log, ours), referenceComparison(true));
      const result = diffLogs(cl, ol, {});
      expect(s.pairs.map((p) => p.key)).toEqual(result.pairs.map((p) => p.canaryThread.tidKey));
      for (const p of result.pairs) {
        const a = computeAlignment({ log: cl, thread: p.canaryThread }, { log: ol, thread: p.oursThread });
        const v = s.pairs.find((x) => x.key === p.canaryThread.tidKey)!.alignment;
        expect({ aligned: v.aligned, cost: v.cost, hunks: v.hunks, stoppedAt: v.stoppedAt, backInStep: v.backInStep }).toEqual({
          aligned: a.aligned,
          cost: a.cost,
          hunks: a.hunks.length,
          stoppedAt: a.stoppedAt,
          backInStep: backInStep(a, p.canaryTotal, p.oursTotal),
        });
      }
      cl.base.close();
      ol.base.close();
      db.close();

      // Kept: opening it again aligns nothing.
      progress.length = 0;
      await call(w, 'session/close', { sessionId: s.id });
      await call(w, 'session/open', { jobId: 'again', canaryPath: canary, oursPath: ours });
      expect(progress).toEqual([]);

      // The other setting is aligned in the worker too, for this open session (no job).
      const raw = await call(w, 'session/canonicalize', { sessionId: s.id, canonicalize: false });
      expect(raw.canonicalize).toBe(false);
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.every((p) => p.jobId === null && p.sessionId === s.id)).toBe(true);
    } finally {
      w.close();
    }
  }, 180_000);

  it("aligns under the session's rules in the worker, from the streams this thread derived, as this thread aligns under them", async () => {
    const w = new Workbench({ dataDir: join(dir, 'data-rules'), host: 'browser', version: 'test', demo: null });
    const db = openDb(join(dir, 'reference-rules.sqlite'));
    const cb = new IndexedLog(db, ingestLog(db, canary, canary).log, canary);
    const ob = new IndexedLog(db, ingestLog(db, ours, ours).log, ours);
    try {
      const s = await call(w, 'session/open', { jobId: 'plain', canaryPath: canary, oursPath: ours });
      const progress: AlignProgressEvent[] = [];
      w.onEvent((name, payload) => {
        if (name === 'align/progress') progress.push(payload as AlignProgressEvent);
      });
      const ref = s.rules.rules;
      const sets: [string[], typeof ref][] = [
        // The field the generator's changes add, skipped: the changed events become equal under the rules.
        [['skip * payload.lockstep_changed'], { ...ref, skip: [...ref.skip, { kind: '*', path: 'payload.lockstep_changed' }] }],
        // Streams renumbered (positions travel with the streams), allocator returns paired (paired values travel too).
        [['allocators pair', 'ignore-kind wait.begin'], { ...ref, ignoreKinds: ['wait.begin'], allocatorPairing: true }],
        // A nested field numbered (sentinels travel with the streams) and another skipped (every call with arguments re-hashed).
        [
          ['skip kernel.call payload.args_resolved.buffer', 'canonicalize kernel.call payload.args_resolved.handle'],
          {
            ...ref,
            skip: [...ref.skip, { kind: 'kernel.call', path: 'payload.args_resolved.buffer' }],
            canonicalize: [{ kind: 'kernel.call', path: 'payload.args_resolved.handle', pairing: false }],
          },
        ],
      ];
      const deriving: { done: number; total: number }[] = [];
      w.onEvent((name, p) => {
        const e = p as Events['rules/progress'];
        if (name === 'rules/progress' && e.phase === 'deriving') deriving.push({ done: e.done, total: e.total });
      });
      for (const [differences, rules] of sets) {
        progress.length = 0;
        deriving.length = 0;
        const after = await call(w, 'session/rules', { sessionId: s.id, jobId: `rules-${differences[0]}`, rules });
        // The keys' progress never goes back, though the workers reading each log (the first change) report it before the walk counts it again.
        expect(deriving.length).toBeGreaterThan(0);
        expect(deriving.every((d, i) => i === 0 || d.done >= deriving[i - 1]!.done)).toBe(true);
        expect(deriving.at(-1)!.done).toBe(deriving.at(-1)!.total);
        expect([...after.rules.differences].sort()).toEqual([...differences].sort());
        // Every pair aligned again, past the worker's threshold (40 pairs of ~8000 events a side).
        const last = progress[progress.length - 1]!;
        expect(last.pairsTotal).toBe(after.pairs.length);
        expect(last.eventsTotal).toBeGreaterThan(200_000);
        expect(after.pairs.map((p) => p.alignment.hunks)).not.toEqual(s.pairs.map((p) => p.alignment.hunks));

        const cmp = comparisonOf(true, fromRulesData(rules));
        const cl = new RuledLog(cb, cmp);
        const ol = new RuledLog(ob, cmp);
        const result = diffLogs(cl, ol, {});
        expect(after.pairs.map((p) => p.key)).toEqual(result.pairs.map((p) => p.canaryThread.tidKey));
        for (const p of result.pairs) {
          const a = computeAlignment({ log: cl, thread: p.canaryThread }, { log: ol, thread: p.oursThread });
          const v = after.pairs.find((x) => x.key === p.canaryThread.tidKey)!.alignment;
          expect({ aligned: v.aligned, cost: v.cost, hunks: v.hunks, stoppedAt: v.stoppedAt }, p.canaryThread.tidKey).toEqual({
            aligned: a.aligned,
            cost: a.cost,
            hunks: a.hunks.length,
            stoppedAt: a.stoppedAt,
          });
        }
      }
    } finally {
      cb.close();
      ob.close();
      db.close();
      w.close();
    }
  }, 300_000);

  it('answers a request while its one large pair is still being aligned', async () => {
    // One pair, so that no alignment in this thread could yield between pairs and pass for one off it:
    // ~300k events a side walk past the worker's progress step (2^18 events) before the pair is done.
    const big = { canary: join(dir, 'large-canary.jsonl'), ours: join(dir, 'large-ours.jsonl') };
    const shape = { seed: 'off-thread-large', eventsPerThread: 300_000, threads: 1, profile: 'realistic' as const };
    generatePair(big.canary, big.ours, { ...shape, divergences: 0, edits: plannedEdits(shape, 100) });
    const w = new Workbench({ dataDir: join(dir, 'data-large'), host: 'browser', version: 'test', demo: null });
    try {
      const progress: AlignProgressEvent[] = [];
      // Asked as the alignment starts; answered with how many progress events had come by then.
      let answered: Promise<number> | null = null;
      w.onEvent((name, payload) => {
        if (name !== 'align/progress') return;
        progress.push(payload as AlignProgressEvent);
        answered ??= call(w, 'app/info', {}).then(() => progress.length);
      });
      const s = await call(w, 'session/open', { jobId: 'large', canaryPath: big.canary, oursPath: big.ours });
      expect(s.pairs).toHaveLength(1);
      expect(answered).not.toBeNull();
      const before = await answered!;
      // Aligned in this thread, the request would be answered only once the pair is done: every
      // progress event, the last one's included, would have come before the answer.
      const after = progress.slice(before);
      expect(after.some((p) => p.pairsDone === 0 && p.eventsDone > 0 && p.eventsDone < p.eventsTotal)).toBe(true);
      expect(progress.at(-1)).toMatchObject({ pairsDone: 1, pairsTotal: 1 });
      expect(s.pairs[0]!.alignment.aligned).toBe(true);
    } finally {
      w.close();
    }
  }, 180_000);

  it('stops when the open is cancelled during the alignment, and opens nothing', async () => {
    const w = new Workbench({ dataDir: join(dir, 'data-cancel'), host: 'browser', version: 'test', demo: null });
    try {
      let cancel: Promise<unknown> | null = null;
      w.onEvent((name) => {
        if (name === 'align/progress' && !cancel) cancel = call(w, 'session/cancel', { jobId: 'c' });
      });
      const r = await w.handle('session/open', { jobId: 'c', canaryPath: canary, oursPath: ours });
      expect(cancel).not.toBeNull();
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('cancelled');
      expect((await call(w, 'app/info', {})).recent).toEqual([]);
    } finally {
      w.close();
    }
  }, 180_000);
});
