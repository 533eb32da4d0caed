// Latency of what the workbench asks the index for, against a kept index:
// the summary (every pair's first divergence), a context window at a random
// position of the longest thread, and a jump to a tid_event_idx.
import { performance } from 'node:perf_hooks';
import { diffLogs } from '../src/main/diff/diffLogs';
import { IndexedLog } from '../src/main/diff/indexedLog';
import { ingestLog } from '../src/main/ingest/ingestLog';
import { openDb } from '../src/main/store/db';
import { Rng } from '../src/main/generator/prng';

export type QueryTimings = { name: string; median: number; p99: number; max: number; n: number }[];

function stats(name: string, xs: number[]): QueryTimings[number] {
  const s = [...xs].sort((a, b) => a - b);
  return { name, median: s[Math.floor(s.length / 2)]!, p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!, max: s.at(-1)!, n: s.length };
}

export function measureWorkbenchQueries(dbPath: string, canaryPath: string, oursPath: string): QueryTimings {
  const db = openDb(dbPath);
  try {
    const c = new IndexedLog(db, ingestLog(db, canaryPath, 'canary').log, 'canary', canaryPath);
    const o = new IndexedLog(db, ingestLog(db, oursPath, 'ours').log, 'ours', oursPath);
    const summary: number[] = [];
    for (let i = 0; i < 5; i++) {
      const fresh = [new IndexedLog(db, c.log, 'canary', canaryPath), new IndexedLog(db, o.log, 'ours', oursPath)] as const;
      const t = performance.now();
      diffLogs(fresh[0], fresh[1], { canonicalize: true });
      summary.push(performance.now() - t);
      fresh[0].close();
      fresh[1].close();
    }
    const longest = [...c.threads].sort((a, b) => b.eventCount - a.eventCount)[0]!;
    const rng = new Rng('bench-queries');
    const context: number[] = [];
    const jump: number[] = [];
    for (let i = 0; i < 300; i++) {
      const pos = rng.int(0, longest.eventCount - 1);
      const t = performance.now();
      for (let p = Math.max(0, pos - 25); p < Math.min(longest.eventCount, pos + 25); p++) c.event(longest.threadNo, p, true);
      context.push(performance.now() - t);
      const target = longest.firstIdx! + rng.int(0, Math.max(0, (longest.lastIdx ?? 0) - (longest.firstIdx ?? 0)));
      const t2 = performance.now();
      c.positionOfIdx(longest.threadNo, target);
      jump.push(performance.now() - t2);
    }
    c.close();
    o.close();
    return [
      stats('summary: first divergence of every pair', summary),
      stats(`context window: 50 events parsed at a random position of a ${longest.eventCount.toLocaleString('en')}-event thread`, context),
      stats('jump to a tid_event_idx', jump),
    ];
  } finally {
    db.close();
  }
}
