// Latency of what the workbench asks, through the real Workbench service (the
// same handlers both hosts carry), on logs already indexed: the summary when a
// pair opens, a screen of context rows at a random position of the longest
// thread, and a jump to a tid_event_idx.
import { performance } from 'node:perf_hooks';
import type { RequestArg, RequestName, RequestResult } from '../src/shared/api';
import { Rng } from '../src/main/generator/prng';
import { Workbench } from '../src/main/service/workbench';

export type QueryTimings = { name: string; median: number; p99: number; max: number; n: number }[];

/** One rule change in the workbench: wall and CPU time of session/rules (derive, diff, align), and what it found. */
export interface RuleChange {
  name: string;
  wallMs: number;
  cpuMs: number;
  diverging: number;
  hunks: number;
  rssMB: number;
}

function stats(name: string, xs: number[]): QueryTimings[number] {
  const s = [...xs].sort((a, b) => a - b);
  return { name, median: s[Math.floor(s.length / 2)]!, p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!, max: s.at(-1)!, n: s.length };
}

async function call<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await w.handle(name, arg);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value as RequestResult<K>;
}

export async function measureWorkbenchQueries(dataDir: string, canaryPath: string, oursPath: string): Promise<QueryTimings> {
  const w = new Workbench({ dataDir, host: 'browser', version: 'bench', demo: null });
  try {
    let session = await call(w, 'session/open', { jobId: 'warmup', canaryPath, oursPath }); // indexes (not timed)
    const open: number[] = [];
    const groups: number[] = [];
    for (let i = 0; i < 5; i++) {
      await call(w, 'session/close', { sessionId: session.id });
      let t = performance.now();
      session = await call(w, 'session/open', { jobId: `open-${i}`, canaryPath, oursPath });
      open.push(performance.now() - t);
      // The Signatures view right after the open: whatever the background signing has not done yet is done now.
      t = performance.now();
      await call(w, 'triage/groups', { sessionId: session.id, from: 0, count: 100 });
      groups.push(performance.now() - t);
    }
    const longest = [...session.pairs].sort((a, b) => Math.max(b.canaryTotal, b.oursTotal) - Math.max(a.canaryTotal, a.oursTotal))[0]!;
    const total = Math.max(longest.canaryTotal, longest.oursTotal);
    const rng = new Rng('bench-queries');
    const rows: number[] = [];
    const jump: number[] = [];
    const seek: number[] = [];
    const detail: number[] = [];
    const aligned = longest.alignment.rows;
    for (let i = 0; i < 400; i++) {
      const from = rng.int(0, Math.max(0, aligned - 60));
      let t = performance.now();
      await call(w, 'diff/rows', { sessionId: session.id, pairKey: longest.key, view: 'aligned', from, count: 60 });
      rows.push(performance.now() - t);
      t = performance.now();
      await call(w, 'diff/jump', {
        sessionId: session.id,
        pairKey: longest.key,
        view: 'aligned',
        side: 'canary',
        tidEventIdx: rng.int(0, longest.canaryTotal),
      });
      jump.push(performance.now() - t);
      t = performance.now();
      const next = await call(w, 'diff/seek', { sessionId: session.id, pairKey: longest.key, view: 'aligned', from: rng.int(0, aligned - 1), direction: 1 });
      seek.push(performance.now() - t);
      t = performance.now();
      await call(w, 'diff/detail', { sessionId: session.id, pairKey: longest.key, view: 'aligned', row: next.row ?? from });
      detail.push(performance.now() - t);
    }
    return [
      stats('open a pair whose logs are indexed: summary of every pair', open),
      stats('triage/groups right after the open: every hunk signed and grouped, first page', groups),
      stats(`diff/rows: 60 aligned rows at a random position of a ${total.toLocaleString('en')}-event thread`, rows),
      stats('diff/seek: the next hunk from a random row (n)', seek),
      stats('diff/detail: that row in full (the detail pane)', detail),
      stats('diff/jump to a random tid_event_idx', jump),
    ];
  } finally {
    w.close();
  }
}

/**
 * Changing the rules in the workbench on logs already indexed: each change
 * derives the keys from the index (no log read again), then the summary and
 * every pair's alignment. The first change after opening also reads the
 * field dictionary and the index's key columns once; a rule set seen before
 * (or the reference's) reads its alignments back from the index.
 */
export async function measureRuleChanges(dataDir: string, canaryPath: string, oursPath: string): Promise<RuleChange[]> {
  const w = new Workbench({ dataDir, host: 'browser', version: 'bench', demo: null });
  try {
    let s = await call(w, 'session/open', { jobId: 'rules-open', canaryPath, oursPath });
    const ref = s.rules.reference;
    if (s.rules.differences.length) s = await call(w, 'session/rules', { sessionId: s.id, jobId: 'rules-reset', rules: ref });
    const skipChanged = { ...ref, skip: [...ref.skip, { kind: '*', path: 'payload.lockstep_changed' }] };
    const sets: [string, typeof ref][] = [
      ['skip * payload.lockstep_changed (a field the injected changes add); first change after opening', skipChanged],
      [
        'skip kernel.call payload.args_resolved.handle (nested: every call with arguments re-hashed)',
        { ...ref, skip: [...ref.skip, { kind: 'kernel.call', path: 'payload.args_resolved.handle' }] },
      ],
      ['allocators pair (value pairing instead of ordinals)', { ...ref, allocatorPairing: true }],
      ['ignore-kind wait.begin (streams renumbered: no block summary serves)', { ...ref, ignoreKinds: ['wait.begin'] }],
      ["back to the reference's rules (alignments kept in the index)", ref],
      ['skip * payload.lockstep_changed again (a rule set seen before)', skipChanged],
    ];
    const out: RuleChange[] = [];
    for (const [name, rules] of sets) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      s = await call(w, 'session/rules', { sessionId: s.id, jobId: `rules-${out.length}`, rules });
      const used = process.cpuUsage(cpu);
      out.push({
        name,
        wallMs: performance.now() - t,
        cpuMs: (used.user + used.system) / 1000,
        diverging: s.pairs.filter((p) => p.divergence).length,
        hunks: s.pairs.reduce((n, p) => n + p.alignment.hunks, 0),
        rssMB: process.memoryUsage().rss / 2 ** 20,
      });
    }
    return out;
  } finally {
    w.close();
  }
}
