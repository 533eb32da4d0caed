// `lockstep diff --auto-map similarity` through the real CLI, on logs that
// `lockstep generate` makes to trip the reference's automatic mapping: six
// threads share their first call and ours creates them in another order, and
// one thread's first call differs. The truth is the generator's own pairing;
// the reference tool (the oracle) shows its pairing wrong on the same logs, and
// the diff under the similarity mapping is the reference's own diff under the
// same pairs given as --tid-map.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedTidMap } from '../../src/main/generator/generateLogs';
import { LOCKSTEP, referenceAvailable, runLockstep, runReference } from '../parity/runTools';

const dir = mkdtempSync(join(tmpdir(), 'auto-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEEDS = ['3', '11'];
const THREADS = 9;
const EVENTS = 4500;

/** `lockstep generate` of one trap case into dir/seed-S; the generator's true pairing as --tid-map text. */
function generate(seed: string): { truth: Map<string, string> } {
  const out = join(dir, `seed-${seed}`);
  const r = spawnSync(
    process.execPath,
    [
      LOCKSTEP,
      'generate',
      '--out-dir',
      out,
      '--threads',
      String(THREADS),
      '--events',
      String(EVENTS),
      '--seed',
      seed,
      '--shared-first-call',
      '6',
      '--first-call-differs',
      '1',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`lockstep generate failed: ${r.stderr}`);
  const text = generatedTidMap({
    seed,
    eventsPerThread: Math.round(EVENTS / THREADS),
    threads: THREADS,
    profile: 'realistic',
    mappingTrap: { sharedFirstCall: 6, firstCallDiffers: 1 },
  });
  return { truth: new Map(text.split(',').map((p) => p.split('=') as [string, string])) };
}

/** The pairs of a reference Markdown report's summary table, canary → ours. */
function referencePairs(report: string): Map<string, string> {
  return new Map([...report.matchAll(/^\| (\d+) \| (\d+) \| \d+ \| \d+ \| \d+ \| \S+ \|$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The summary rows of a reference report, as text (what the diff found per pair). */
function summaryRows(report: string): string[] {
  return [...report.matchAll(/^\| \d+ \| \d+ \| .*\|$/gm)].map((m) => m[0]);
}

interface JsonPair {
  canaryTid: number;
  oursTid: number;
  mappedBy: string;
  matched: number;
  canaryTotal: number;
  oursTotal: number;
  divergence: { position: number } | null;
  similarity: { similarity: number; confidence: number; unsure: boolean; reason: string } | null;
}
interface JsonReport {
  session: { autoMap: string | null; mappingUsed: string; tidMap: string | null };
  pairs: JsonPair[];
  unmapped: { canary: unknown[]; ours: unknown[] };
}

describe.each(SEEDS)('on generated logs where the reference pairs threads wrong (seed %s)', (seed) => {
  const { truth } = generate(seed);
  const cwd = join(dir, `seed-${seed}`);
  const logs = ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl'];

  it.skipIf(!referenceAvailable())(
    "the reference's pairing is wrong: the six sharing a first call are zipped in tid order, the differing one left out",
    async () => {
      const ref = await runReference(cwd, logs);
      expect(ref.status).toBe(0);
      const pairs = referencePairs(ref.stdout);
      const shared = [...truth.keys()].slice(0, 6);
      // The generator makes ours create the six in an order where none keeps its place.
      for (const c of shared) expect(pairs.get(c), `canary ${c}`).not.toBe(truth.get(c));
      const differing = [...truth.keys()].at(-1)!;
      expect(pairs.has(differing)).toBe(false);
      // And Lockstep's default stays the reference's, byte for byte.
      const ours = await runLockstep(cwd, [...logs, '--quiet']);
      expect(ours.status).toBe(0);
      expect(ours.stdout).toBe(ref.stdout);
    },
  );

  it('--auto-map similarity pairs every thread as generated, each with its reason and confidence', async () => {
    const run = await runLockstep(cwd, [...logs, '--quiet', '--auto-map', 'similarity', '--format', 'json']);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.session.autoMap).toBe('similarity');
    expect(report.session.mappingUsed).toMatch(/^mapped automatically by the similarity of the whole streams \(9 pairs, 0 unsure\)$/);
    expect(new Map(report.pairs.map((p) => [String(p.canaryTid), String(p.oursTid)]))).toEqual(truth);
    expect(report.unmapped).toEqual({ canary: [], ours: [] });
    for (const p of report.pairs) {
      expect(p.mappedBy).toBe('similarity');
      expect(p.similarity!.unsure, p.similarity!.reason).toBe(false);
      expect(p.similarity!.confidence).toBeGreaterThan(0.8);
      expect(p.similarity!.confidence).toBeLessThanOrEqual(p.similarity!.similarity);
      expect(p.similarity!.reason).toMatch(
        /^first call (\w+|differs \(\w+ \/ KeQueryPerformanceFrequency\)); \d+% of call sequence shared; \d+( \/ \d+)? events( each)?$/,
      );
    }
    expect(report.pairs.filter((p) => p.similarity!.reason.startsWith('first call KeInitializeThread;'))).toHaveLength(6);
  });

  it.skipIf(!referenceAvailable())("the diff under the similarity mapping is the reference's diff of the same pairs given as --tid-map", async () => {
    const json = JSON.parse((await runLockstep(cwd, [...logs, '--quiet', '--auto-map', 'similarity', '--format', 'json'])).stdout) as JsonReport;
    const ref = await runReference(cwd, [...logs, '--tid-map', json.session.tidMap!]);
    expect(ref.status).toBe(0);
    const ours = json.pairs.map(
      (p) => `| ${p.canaryTid} | ${p.oursTid} | ${p.matched} | ${p.canaryTotal} | ${p.oursTotal} | ${p.divergence ? p.divergence.position : '—'} |`,
    );
    expect(ours).toEqual(summaryRows(ref.stdout));
  });

  it('shows the confidence of every pair in the annotated Markdown and the HTML page', async () => {
    const md = await runLockstep(cwd, [...logs, '--quiet', '--auto-map', 'similarity', '--format', 'annotated-md']);
    expect(md.status, md.stderr).toBe(0);
    expect(md.stdout).toContain('- threads: mapped automatically by the similarity of the whole streams (9 pairs, 0 unsure)');
    expect(md.stdout.match(/^\*\*Paired by similarity\*\* — similarity \d+%, confidence \d+%: first call /gm)).toHaveLength(THREADS);
    const html = await runLockstep(cwd, [...logs, '--quiet', '--auto-map', 'similarity', '--format', 'html']);
    expect(html.status).toBe(0);
    expect(html.stdout.match(/similarity \d+%, confidence \d+%/g)!.length).toBeGreaterThanOrEqual(THREADS);
  });
});

describe('--auto-map on the command line', () => {
  generate('usage');
  const cwd = join(dir, 'seed-usage');
  const logs = ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl', '--quiet'];

  it("is a usage error with the reference's Markdown (it keeps the reference's pairing)", async () => {
    for (const extra of [[], ['--format', 'reference-md']]) {
      const r = await runLockstep(cwd, [...logs, '--auto-map', 'similarity', ...extra]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^usage: lockstep diff .*\nlockstep diff: error: argument --auto-map: 'similarity' needs --format json, annotated-md or html/);
    }
  });

  it('is a usage error beside --tid-map, and with a value it does not know', async () => {
    const both = await runLockstep(cwd, [...logs, '--auto-map', 'similarity', '--format', 'json', '--tid-map', '6=1']);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/error: argument --auto-map: not allowed with argument --tid-map\n$/);
    const bad = await runLockstep(cwd, [...logs, '--auto-map', 'names', '--format', 'json']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/error: argument --auto-map: invalid choice: 'names' \(choose from 'reference', 'similarity'\)\n$/);
  });

  it("'reference' is the reference's pairing in every format, and says so", async () => {
    const r = await runLockstep(cwd, [...logs, '--auto-map', 'reference', '--format', 'json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.session.autoMap).toBe('reference');
    expect(report.session.mappingUsed).toBe('mapped automatically by first kernel.call name');
    expect(report.pairs.every((p) => p.mappedBy === 'first-call' && p.similarity === null)).toBe(true);
  });
});
