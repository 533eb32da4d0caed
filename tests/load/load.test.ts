// The load test, shortened for CI: 20 clients for a few seconds on a small
// pair. `npm run load` runs it at full length (two 1M-event logs, 30 s).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generatePair } from '../../src/main/generator/generateLogs';
import { runLoad } from './loadRun';

const dir = mkdtempSync(join(tmpdir(), 'load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("20 concurrent clients get every answer, correct, and the host's memory stays flat", async () => {
  const canary = join(dir, 'canary.jsonl');
  const ours = join(dir, 'ours.jsonl');
  generatePair(canary, ours, { seed: 'load', eventsPerThread: 8000, threads: 6, profile: 'realistic', divergences: 3 });
  const r = await runLoad({ canary, ours, dataDir: join(dir, 'data'), clients: 20, seconds: Number(process.env.LOCKSTEP_LOAD_SECONDS ?? 5) });
  console.log(
    `load: ${r.requests} requests, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms, RSS ${r.rssStartMB.toFixed(0)} -> ${r.rssEndMB.toFixed(0)} MB (max ${r.rssMaxMB.toFixed(0)})`,
  );
  expect(r.failed).toEqual([]);
  expect(r.wrong).toEqual([]);
  expect(r.requests).toBeGreaterThan(100);
  expect(r.rssMaxMB).toBeLessThan(Math.max(2 * r.rssStartMB, r.rssStartMB + 150));
}, 180_000);
