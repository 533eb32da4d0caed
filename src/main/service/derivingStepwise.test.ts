// Under rules that are not the reference's, every way a session comes to be
// compared derives each thread's keys from the index a few blocks at a time:
// opening a session saved with rules, and the allocator switch under them.
// Meanwhile the host answers other requests (checked by the order answers
// arrive in, not by timing), and what it computes is what deriving all at
// once inside the summary gives; the session's background signing waits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, Events, RequestArg, RequestName, RequestResult, RulesData, SessionView } from '../../shared/api';
import { computeAlignment } from '../align/alignPair';
import { sides } from '../align/pairAlignment';
import { diffLogs } from '../diff/diffLogs';
import { IndexedLog } from '../diff/indexedLog';
import { RuledLog } from '../diff/ruledLog';
import { generatePair } from '../generator/generateLogs';
import { Workbench } from './workbench';

const dir = mkdtempSync(join(tmpdir(), 'deriving-stepwise-'));
const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
const data = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  // Enough events that deriving takes several turns of the host (a turn per ~32k events); a change the rules skip, an insert they do not.
  const edits = new Map([
    [0, [{ at: 700, op: 'change' as const, count: 1 }]],
    [2, [{ at: 9000, op: 'insert' as const, count: 2 }]],
  ]);
  generatePair(canary, ours, { seed: 'deriving-stepwise', eventsPerThread: 15_000, threads: 3, profile: 'realistic', divergences: 0, edits });
});

async function call<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await w.handle(name, arg);
  if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
  return r.value as RequestResult<K>;
}

const workbench = (): Workbench => new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });

/** Rules that change keys (a skipped field) and streams (a kind left out). */
function otherRules(s: SessionView): RulesData {
  return { ...s.rules.rules, skip: [...s.rules.rules.skip, { kind: '*', path: 'payload.lockstep_changed' }], ignoreKinds: ['wait.end'] };
}

const summary = (s: SessionView): unknown => s.pairs.map((p) => [p.key, p.matched, p.divergence?.position ?? null, p.alignment.hunks]);

/** Every pair's hunks as the viewer is served them. */
async function servedHunks(w: Workbench, s: SessionView): Promise<unknown> {
  const out: unknown[] = [];
  for (const p of s.pairs) {
    const hunks: unknown[] = [];
    for (let total = 1; hunks.length < total;) {
      const h = await call(w, 'diff/hunks', { sessionId: s.id, pairKey: p.key, from: hunks.length, count: 500 });
      hunks.push(...h.hunks.map((x) => [x.op, x.canary, x.ours]));
      total = h.total;
    }
    out.push([p.key, hunks]);
  }
  return out;
}

/**
 * The session's comparison computed the old way: both logs as new readers of
 * the index (nothing derived yet), the keys derived all at once inside the
 * summary, each pair aligned here.
 */
function oldWay(w: Workbench, s: SessionView): { summary: unknown; hunks: unknown } {
  const live = w.sessions.get(s.id)!;
  const fresh = (l: RuledLog): RuledLog => new RuledLog(new IndexedLog(l.base.db, l.base.log, l.label, l.path), l.cmp);
  const c = fresh(live.canary);
  const o = fresh(live.ours);
  const result = diffLogs(c, o, { tidPairs: live.tidPairs });
  const aligned = result.pairs.map((p) => {
    const { c: cs, o: os } = sides(p, c, o);
    return computeAlignment(cs, os);
  });
  return {
    summary: result.pairs.map((p, i) => [p.canaryThread.tidKey, p.matched, p.divergence?.position ?? null, aligned[i]!.hunks.length]),
    hunks: result.pairs.map((p, i) => [p.canaryThread.tidKey, aligned[i]!.hunks.map((h) => [h.op, [h.canary[0], h.canary[1]], [h.ours[0], h.ours[1]]])]),
  };
}

/** Record events of a kind while `body` runs. */
async function recording<E extends EventName, T>(w: Workbench, name: E, body: (seen: Events[E][]) => Promise<T>): Promise<T> {
  const seen: Events[E][] = [];
  const off = w.onEvent((e, p) => {
    if (e === name) seen.push(p as Events[E]);
  });
  try {
    return await body(seen);
  } finally {
    off();
  }
}

describe('deriving under rules, stepwise', () => {
  let ruled: SessionView;

  beforeAll(async () => {
    // A session saved under other rules, its alignments kept in the index under them with either allocator setting:
    // what is left to do in another workbench (logs read afresh, nothing derived) is the deriving.
    const w = workbench();
    try {
      const s = await call(w, 'session/open', { jobId: 'first', canaryPath: canary, oursPath: ours });
      ruled = await call(w, 'session/rules', { sessionId: s.id, jobId: 'rules', rules: otherRules(s) });
      await call(w, 'session/canonicalize', { sessionId: s.id, canonicalize: false });
      await call(w, 'session/canonicalize', { sessionId: s.id, canonicalize: true });
    } finally {
      w.close();
    }
    expect(ruled.rules.differences.length).toBe(2);
  });

  it('opening a session saved with rules answers other requests while deriving, with progress, and computes what deriving at once gives', async () => {
    const w = workbench();
    try {
      const order: string[] = [];
      const opened = await recording(w, 'rules/progress', async (progress) => {
        // A request that arrives (a turn of the event loop later, as over a socket) once both logs are indexed and the comparing begins.
        let asked = false;
        const off = w.onEvent((e, p) => {
          if (e !== 'ingest/progress' || asked || (p as Events['ingest/progress']).phase !== 'comparing') return;
          asked = true;
          setImmediate(() => void call(w, 'app/info', {}).then(() => order.push('app/info')));
        });
        const s = await call(w, 'session/open', { jobId: 'again', canaryPath: canary, oursPath: ours });
        off();
        order.push('session/open');
        // Deriving went in steps under the open's job id, up to both logs' events.
        const mine = progress.filter((p) => p.jobId === 'again' && p.phase === 'deriving');
        expect(mine.filter((p) => p.done < p.total).length).toBeGreaterThan(2);
        expect(mine.at(-1)).toMatchObject({ done: mine.at(-1)!.total });
        return s;
      });
      expect(order).toEqual(['app/info', 'session/open']);
      // Every thread of both logs is derived by the open: a change of mapping later has nothing left to derive in one go.
      const live = w.sessions.get(opened.id)!;
      for (const log of [live.canary, live.ours]) expect(log.base.threads.filter((t) => !log.isDerived(t.threadNo))).toEqual([]);
      expect(opened.rules.differences).toEqual(ruled.rules.differences);
      expect(summary(opened)).toEqual(summary(ruled));
      const old = oldWay(w, opened);
      expect(summary(opened)).toEqual(old.summary);
      expect(await servedHunks(w, opened)).toEqual(old.hunks);
    } finally {
      w.close();
    }
  });

  it('the allocator switch under rules answers other requests while deriving, can be cancelled, and computes what deriving at once gives', async () => {
    const w = workbench();
    try {
      const s = await call(w, 'session/open', { jobId: 'open', canaryPath: canary, oursPath: ours });
      expect(s.rules.differences).toEqual(ruled.rules.differences);
      // A cancel while deriving leaves the switch and the summary as they were.
      const cancelled = await recording(w, 'rules/progress', async () => {
        let asked = false;
        const off = w.onEvent((e, p) => {
          if (e !== 'rules/progress' || asked || (p as Events['rules/progress']).jobId !== 'off1') return;
          asked = true;
          void w.handle('session/cancel', { jobId: 'off1' });
        });
        const r = await w.handle('session/canonicalize', { sessionId: s.id, canonicalize: false, jobId: 'off1' });
        off();
        return r;
      });
      expect(cancelled.ok).toBe(false);
      if (!cancelled.ok) expect(cancelled.error.code).toBe('cancelled');
      const still = await call(w, 'session/get', { sessionId: s.id });
      expect(still.canonicalize).toBe(true);
      expect(summary(still)).toEqual(summary(s));

      const order: string[] = [];
      const off = await recording(w, 'rules/progress', async (progress) => {
        const r = call(w, 'session/canonicalize', { sessionId: s.id, canonicalize: false, jobId: 'off2' }).then((v) => {
          order.push('session/canonicalize');
          return v;
        });
        setImmediate(() => void call(w, 'app/info', {}).then(() => order.push('app/info')));
        const v = await r;
        const deriving = progress.filter((p) => p.jobId === 'off2' && p.phase === 'deriving');
        expect(deriving.filter((p) => p.done < p.total).length).toBeGreaterThan(0);
        return v;
      });
      expect(order).toEqual(['app/info', 'session/canonicalize']);
      expect(off.canonicalize).toBe(false);
      const old = oldWay(w, off);
      expect(summary(off)).toEqual(old.summary);
      expect(await servedHunks(w, off)).toEqual(old.hunks);
    } finally {
      w.close();
    }
  });

  it('signs no pair in the background while the session is recomputed (its signatures are about to be replaced), and signs the new ones after', async () => {
    const w = workbench();
    try {
      // Opened, its pairs not signed yet: the signing would run in the turns the switch takes.
      const s = await call(w, 'session/open', { jobId: 'open', canaryPath: canary, oursPath: ours });
      const live = w.sessions.get(s.id)!;
      const signed: number[] = [];
      const off = w.onEvent((e, p) => {
        if (e === 'rules/progress' && (p as Events['rules/progress']).jobId === 'sw') signed.push(live.triage.signatures.size);
      });
      const after = await call(w, 'session/canonicalize', { sessionId: s.id, canonicalize: !s.canonicalize, jobId: 'sw' });
      off();
      expect(signed.length).toBeGreaterThan(2);
      expect(new Set(signed).size).toBe(1);
      const hunks = await call(w, 'diff/hunks', { sessionId: s.id, pairKey: after.pairs.find((p) => p.alignment.hunks > 0)!.key, from: 0, count: 1 });
      expect(hunks.hunks[0]?.signature.id).toBeTruthy();
    } finally {
      w.close();
    }
  });
});
