// The similarity mapping of 1,000 threads per side (issue 14: ≤ 2 s), timed in
// this process on an index built once, beside the reference's pairing by first
// call name on the same index: logs where 600 threads share their first call
// (created by ours in another order) and 10 first calls differ.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { IndexedLog } from '../src/main/diff/indexedLog';
import { similarityMapping } from '../src/main/diff/similarityMap';
import { autoTidMap } from '../src/main/diff/tidMap';
import { generatedTidMap, generatePair, type GenerateOptions } from '../src/main/generator/generateLogs';
import { ingestLog } from '../src/main/ingest/ingestLog';
import { pyStr } from '../src/main/py/format';
import { openDb } from '../src/main/store/db';

export interface SimilarityTimings {
  threads: number;
  events: number;
  /** Median ms of the similarity mapping (features read from the index, scored, assigned, explained). */
  similarityMs: number;
  /** Median CPU ms of it (user + system of this process): what a shared, loaded machine does not inflate. */
  similarityCpuMs: number;
  /** Median ms of the reference's auto_tid_map on the same index. */
  referenceMs: number;
  correct: number;
  referenceCorrect: number;
  unsure: number;
  runs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function measureSimilarityMapping(root: string, runs: number): SimilarityTimings {
  const opts: Omit<GenerateOptions, 'edits'> = {
    seed: 'bench-similarity',
    eventsPerThread: 200,
    threads: 1000,
    profile: 'realistic',
    divergences: 50,
    mappingTrap: { sharedFirstCall: 600, firstCallDiffers: 10 },
  };
  const dir = join(root, 'v1-similarity-1000');
  const canary = join(dir, 'canary.jsonl');
  const ours = join(dir, 'ours.jsonl');
  if (!existsSync(join(dir, 'complete'))) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write('generating 1,000 threads per side (once)…\n');
    generatePair(canary, ours, opts);
    writeFileSync(join(dir, 'complete'), '');
  }
  const dbPath = join(dir, 'index.sqlite');
  rmSync(dbPath, { force: true });
  const db = openDb(dbPath);
  try {
    const c = new IndexedLog(db, ingestLog(db, canary, canary).log, canary);
    const o = new IndexedLog(db, ingestLog(db, ours, ours).log, ours);
    const truth = new Map(
      generatedTidMap(opts)
        .split(',')
        .map((p) => p.split('=') as [string, string]),
    );
    const times: number[] = [];
    const cpu: number[] = [];
    const refTimes: number[] = [];
    let mapping = similarityMapping(c, o);
    let reference = autoTidMap(c, o);
    process.stderr.write(`similarity mapping of 1,000 threads × ${runs}…\n`);
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      const c0 = process.cpuUsage();
      mapping = similarityMapping(c, o);
      times.push(performance.now() - t);
      const c1 = process.cpuUsage(c0);
      cpu.push((c1.user + c1.system) / 1000);
      t = performance.now();
      reference = autoTidMap(c, o);
      refTimes.push(performance.now() - t);
    }
    const correct = mapping.pairs.filter((p) => truth.get(pyStr(p.canary.tid)) === pyStr(p.ours.tid)).length;
    const referenceCorrect = [...reference.values()].filter((p) => truth.get(pyStr(p.canaryTid)) === pyStr(p.oursTid)).length;
    c.close();
    o.close();
    return {
      threads: opts.threads,
      events: c.log.eventCount + o.log.eventCount,
      similarityMs: median(times),
      similarityCpuMs: median(cpu),
      referenceMs: median(refTimes),
      correct,
      referenceCorrect,
      unsure: mapping.pairs.filter((p) => p.unsure).length,
      runs,
    };
  } finally {
    db.close();
  }
}
