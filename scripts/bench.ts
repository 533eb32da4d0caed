// `npm run bench [-- --events N] [--threads T] [--edits E] [--runs K] [--no-reference] [--skip-warm] [--skip-unrelated]
//                  [--skip-similarity] [--only-similarity] [--skip-compressed] [--skip-search | --search-only]
//                  [--previous DIR] [--many-threads 1000,10000 | --skip-many-threads] [--many-events N] [--before DIR]`
//
// Generates (once, cached in .bench/) a deterministic pair of logs with the
// project's generator, then measures, side by side in the same run:
//   - the reference tool (python3 diff_events.py),
//   - `bin/lockstep diff` cold (fresh temporary index) and warm (kept --db index),
//   - `bin/lockstep diff --format json` cold: the same plus every pair's alignment,
//     on logs whose ours has E known edits per thread (inserted, deleted, changed events),
//   - two unrelated 200k-event threads forced into one pair (--tid-map), where
//     the alignment must give up in bounded time and memory, and say so,
//   - the similarity mapping of 1,000 threads per side (benchSimilarity.ts),
//   - the pair gzip- and zstd-compressed, cold, and the cost of reading events
//     back from decompressed copies (benchCompressed.ts),
//   - the find box on a pair of one-thread logs of N events (benchSearch.ts):
//     the search index's build time and size, and finds across the thread,
//   - many short threads: two 1M-event logs with 1000 and 10,000 threads, cold
//     diff and --format json, peak RSS and the kept index against the logs,
//   - `bin/lockstep diff --rules` cold, and rule changes in the workbench on the
//     kept index (keys derived from the index, never the logs),
//   - with --before DIR, the same cold diff and index size of another build
//     (a checkout of the previous design, built), for before/after figures,
// reporting the median wall time, CPU time and peak RSS over K runs (with the
// spread of the runs: these machines are shared), the ratios against the
// reference, whether the reports are byte-identical, and the size of the index
// against the logs. With --previous DIR (another checkout, built: e.g. main in
// a git worktree), every lockstep run is also made with DIR's bin/lockstep,
// interleaved with ours run by run, and the ratios against it are shown: the
// previous design measured in the same run. Nothing here is a pass/fail test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { generatePair, plannedEdits } from '../src/main/generator/generateLogs';
import { benchCompressed } from './benchCompressed';
import { measureRuleChanges, measureWorkbenchQueries, type QueryTimings, type RuleChange } from './benchQueries';
import { measureSignatures, type SignatureCost } from './benchSignatures';
import { measureSimilarityMapping, type SimilarityTimings } from './benchSimilarity';
import { measureSearch, type SearchBench } from './benchSearch';

const ROOT = resolve(__dirname, '..');
const REFERENCE = process.env.LOCKSTEP_REFERENCE ?? resolve(ROOT, '../shared/reference/diff_events.py');
const LOCKSTEP = join(ROOT, 'bin/lockstep');
const GENERATOR_VERSION = 2;

interface Args {
  events: number;
  /** A checkout of the previous design (built), measured in the same run. */
  previous: string | null;
  /** Thread counts of the many-threads section (empty: skipped), and the events of its logs. */
  manyThreads: number[];
  manyEvents: number;
  runs: number;
  reference: boolean;
  warm: boolean;
  threads: number;
  /** Known edits per thread in ours (default: 10, or 100 for a single thread). */
  edits: number | null;
  unrelated: boolean;
  similarity: boolean;
  /** Only the similarity mapping (no logs of --events generated, nothing else run). */
  onlySimilarity: boolean;
  compressed: boolean;
  /** The find box's figures (on one-thread logs of N events); searchOnly: nothing else. */
  search: boolean;
  searchOnly: boolean;
  /** Another build of Lockstep to measure beside this one (its root: DIR/bin/lockstep). */
  before: string | null;
}

function parse(argv: string[]): Args {
  const a: Args = {
    events: 1_000_000,
    runs: 3,
    reference: true,
    warm: true,
    threads: 8,
    edits: null,
    unrelated: true,
    similarity: true,
    onlySimilarity: false,
    compressed: true,
    search: true,
    searchOnly: false,
    previous: null,
    manyThreads: [1000, 10_000],
    manyEvents: 1_000_000,
    before: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--events') a.events = Number(argv[++i]);
    else if (v === '--runs') a.runs = Number(argv[++i]);
    else if (v === '--threads') a.threads = Number(argv[++i]);
    else if (v === '--no-reference') a.reference = false;
    else if (v === '--skip-warm') a.warm = false;
    else if (v === '--edits') a.edits = Number(argv[++i]);
    else if (v === '--skip-unrelated') a.unrelated = false;
    else if (v === '--skip-similarity') a.similarity = false;
    else if (v === '--only-similarity') a.onlySimilarity = true;
    else if (v === '--skip-compressed') a.compressed = false;
    else if (v === '--skip-search') a.search = false;
    else if (v === '--search-only') a.searchOnly = true;
    else if (v === '--previous') a.previous = resolve(argv[++i]!);
    else if (v === '--many-threads') a.manyThreads = argv[++i]!.split(',').map(Number);
    else if (v === '--skip-many-threads') a.manyThreads = [];
    else if (v === '--many-events') a.manyEvents = Number(argv[++i]);
    else if (v === '--before') a.before = resolve(argv[++i]!);
    else throw new Error(`unknown option ${v}`);
  }
  if (!Number.isInteger(a.events) || a.events < 1) throw new Error('--events wants a positive integer');
  if (a.manyThreads.some((t) => !Number.isInteger(t) || t < 1)) throw new Error('--many-threads wants thread counts, e.g. 1000,10000');
  if (a.previous && !existsSync(join(a.previous, 'out/main/cli.js'))) throw new Error(`--previous ${a.previous}: not a built checkout (no out/main/cli.js)`);
  return a;
}

interface Measure {
  wall: number;
  cpu: number;
  rssMB: number;
  status: number;
}

// Peak RSS of a child (and anything it waits for) comes from getrusage(RUSAGE_CHILDREN) in a tiny python wrapper.
const MEASURE_PY = `
import json, resource, subprocess, sys, time
out = open(sys.argv[1], 'wb')
t = time.time()
p = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL)
wall = time.time() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rssMB": ru.ru_maxrss / 1024, "status": p.returncode}))
`;

function measure(outFile: string, cmd: string[]): Measure {
  const r = spawnSync('python3', ['-c', MEASURE_PY, outFile, ...cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`measuring ${cmd.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Measure;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The median of each figure, and how far apart the runs were (the machine is shared: noise shows here). */
interface Summary extends Measure {
  runs: number;
  wallMin: number;
  wallMax: number;
  rssMin: number;
  rssMax: number;
}

function summarize(ms: Measure[]): Summary {
  const walls = ms.map((m) => m.wall);
  const rss = ms.map((m) => m.rssMB);
  return {
    wall: median(walls),
    cpu: median(ms.map((m) => m.cpu)),
    rssMB: median(rss),
    status: ms[0]!.status,
    runs: ms.length,
    wallMin: Math.min(...walls),
    wallMax: Math.max(...walls),
    rssMin: Math.min(...rss),
    rssMax: Math.max(...rss),
  };
}

/** "12.3 (11.9–13.0)": the median and the range of the runs. */
function spread(s: Summary): string {
  return s.runs > 1 ? `wall ${fmt(s.wallMin)}–${fmt(s.wallMax)} s, RSS ${fmt(s.rssMin, 0)}–${fmt(s.rssMax, 0)} MB over ${s.runs} runs` : '1 run';
}

function editsPerThread(args: Pick<Args, 'edits' | 'threads'>): number {
  return args.edits ?? (args.threads === 1 ? 100 : 10);
}

interface Logs {
  dir: string;
  canary: string;
  ours: string;
  bytes: number;
}

function ensureLogs(args: Pick<Args, 'events' | 'threads' | 'edits'>): Logs {
  const dir = join(ROOT, '.bench', `v${GENERATOR_VERSION}-${args.events}-${args.threads}-${editsPerThread(args)}`);
  const canary = join(dir, 'canary.jsonl');
  const ours = join(dir, 'ours.jsonl');
  const stamp = join(dir, 'complete');
  if (!existsSync(stamp)) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`generating ${args.events} events per log in ${dir} (once)…\n`);
    const shape = {
      seed: `bench-${args.events}`,
      eventsPerThread: Math.round(args.events / args.threads),
      threads: args.threads,
      profile: 'realistic' as const,
    };
    const r = generatePair(canary, ours, { ...shape, divergences: 0, edits: plannedEdits(shape, editsPerThread(args)) });
    writeFileSync(stamp, JSON.stringify(r));
  }
  return { dir, canary, ours, bytes: statSync(canary).size + statSync(ours).size };
}

function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}

/** A build of Lockstep to measure: this checkout, or the --previous one. */
interface Program {
  name: string;
  bin: string;
}

/**
 * Run each command `runs` times, the programs interleaved run by run (so that
 * a busy minute on the shared machine hits both alike); `out(p)` names the
 * report file of each.
 */
function interleaved(programs: Program[], runs: number, label: string, cmd: (p: Program) => string[], out: (p: Program) => string): Map<Program, Summary> {
  const all = new Map<Program, Measure[]>(programs.map((p) => [p, []]));
  for (let r = 0; r < runs; r++) {
    for (const p of programs) {
      process.stderr.write(`${label}, ${p.name}, run ${r + 1} of ${runs}…\n`);
      all.get(p)!.push(measure(out(p), [process.execPath, p.bin, ...cmd(p)]));
    }
  }
  return new Map([...all].map(([p, ms]) => [p, summarize(ms)]));
}

/** Bytes of a kept index (with its WAL files). */
function indexSize(db: string): number {
  let n = 0;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(db + suffix)) n += statSync(db + suffix).size;
  return n;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'out/main/cli.js'))) throw new Error('build first: npm run build');
  if (args.onlySimilarity) {
    process.stdout.write('\n' + similarityLine(measureSimilarityMapping(join(ROOT, '.bench'), Math.max(args.runs, 5))) + '\n');
    return;
  }
  if (args.searchOnly) {
    process.stdout.write(`\n${await searchSection(args, runSearch(args))}\n`);
    return;
  }
  const current: Program = { name: 'lockstep', bin: LOCKSTEP };
  const previous: Program | null = args.previous ? { name: 'previous', bin: join(args.previous, 'bin/lockstep') } : null;
  const programs = previous ? [current, previous] : [current];
  const logs = ensureLogs(args);
  const gen = JSON.parse(readFileSync(join(logs.dir, 'complete'), 'utf8')) as { canaryEvents: number; oursEvents: number };
  const work = join(logs.dir, 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const diffArgs = ['--canary', logs.canary, '--ours', logs.ours, '--quiet'];
  const rows: [string, Summary | null, string][] = [];

  let ref: Summary | null = null;
  let refReport: string | null = null;
  if (args.reference && existsSync(REFERENCE)) {
    process.stderr.write(`reference × ${args.runs}…\n`);
    ref = summarize(
      Array.from({ length: args.runs }, () => measure(join(work, 'ref.md'), ['python3', REFERENCE, '--canary', logs.canary, '--ours', logs.ours])),
    );
    refReport = readFileSync(join(work, 'ref.md'), 'utf8');
    rows.push(['reference (python3 diff_events.py)', ref, '']);
  } else {
    rows.push(['reference (python3 diff_events.py)', null, args.reference ? `not found at ${REFERENCE}` : 'skipped (--no-reference)']);
  }

  const cold = interleaved(
    programs,
    args.runs,
    'lockstep cold',
    () => ['diff', ...diffArgs],
    (p) => join(work, `cold-${p.name}.md`),
  );
  const json = interleaved(
    programs,
    args.runs,
    'lockstep --format json cold',
    () => ['diff', ...diffArgs, '--format', 'json'],
    (p) => join(work, `cold-${p.name}.json`),
  );
  const coldReport = readFileSync(join(work, 'cold-lockstep.md'), 'utf8');
  const vsPrevious = (m: Summary, b: Summary | undefined): string =>
    b ? `; ${fmt(m.wall / b.wall, 3)}× the previous build's time, ${fmt(m.rssMB / b.rssMB, 2)}× its RSS` : '';
  for (const p of programs) {
    const prefix = p === current ? '' : 'previous build: ';
    const c = cold.get(p)!;
    const j = json.get(p)!;
    const report = readFileSync(join(work, `cold-${p.name}.md`), 'utf8');
    const same =
      refReport === null
        ? p === current
          ? ''
          : report === coldReport
            ? 'report identical to ours'
            : 'REPORT DIFFERS from ours'
        : report === refReport
          ? 'report identical'
          : 'REPORT DIFFERS';
    const jsonSame = p === current || !previous ? '' : sameAlignment(join(work, `cold-${p.name}.json`), join(work, 'cold-lockstep.json'));
    rows.push([
      `${prefix}lockstep diff, cold (new index)`,
      c,
      [same, spread(c)].filter(Boolean).join('; ') + (p === current ? vsPrevious(c, previous ? cold.get(previous) : undefined) : ''),
    ]);
    rows.push([
      `${prefix}lockstep diff --format json, cold (every pair aligned)`,
      j,
      `${fmt(j.wall / c.wall, 3)}× the cold diff's time, ${fmt(j.rssMB / c.rssMB, 2)}× its RSS; ${alignmentNote(join(work, `cold-${p.name}.json`))}; ${spread(j)}` +
        (jsonSame ? `; ${jsonSame}` : '') +
        (p === current ? vsPrevious(j, previous ? json.get(previous) : undefined) : ''),
    ]);
  }

  const coldOurs = cold.get(current)!;
  if (args.before) {
    process.stderr.write(`the build before, cold × ${args.runs}…\n`);
    const base = summarize(
      Array.from({ length: args.runs }, () => measure(join(work, 'base.md'), [process.execPath, join(args.before!, 'bin/lockstep'), 'diff', ...diffArgs])),
    );
    const same = readFileSync(join(work, 'base.md'), 'utf8') === coldReport;
    rows.push([
      `the build before: lockstep diff, cold (${args.before})`,
      base,
      `${same ? 'report identical' : 'REPORT DIFFERS'}; this build ${fmt(coldOurs.wall / base.wall, 3)}× its time, ${fmt(coldOurs.rssMB / base.rssMB, 2)}× its RSS`,
    ]);
  }

  process.stderr.write(`lockstep diff --rules cold × ${args.runs}…\n`);
  const rulesFile = join(work, 'bench.rules');
  writeFileSync(rulesFile, '# a field the injected changes add\nskip * payload.lockstep_changed\n');
  const ruled = summarize(
    Array.from({ length: args.runs }, () => measure(join(work, 'rules.md'), [process.execPath, LOCKSTEP, 'diff', ...diffArgs, '--rules', rulesFile])),
  );
  rows.push([
    'lockstep diff --rules (one field skipped), cold',
    ruled,
    `${fmt(ruled.wall / coldOurs.wall, 3)}× the cold diff's time, ${fmt(ruled.rssMB / coldOurs.rssMB, 2)}× its RSS`,
  ]);

  // Triage across runs: the same cold aligned diff compared with a baseline (the report just written), every hunk signed.
  process.stderr.write(`lockstep --format json --baseline cold × ${args.runs}…\n`);
  const coldJson = json.get(current)!;
  const withBaseline = summarize(
    Array.from({ length: args.runs }, () =>
      measure(join(work, 'baseline.json'), [
        process.execPath,
        LOCKSTEP,
        'diff',
        ...diffArgs,
        '--format',
        'json',
        '--baseline',
        join(work, 'cold-lockstep.json'),
      ]),
    ),
  );
  rows.push([
    'lockstep diff --format json --baseline (its own report), cold',
    withBaseline,
    `${fmt(withBaseline.wall / coldJson.wall, 3)}× the cold aligned diff's time, ${fmt(withBaseline.rssMB / coldJson.rssMB, 2)}× its RSS`,
  ]);

  const db = join(work, 'index.sqlite');
  let signing: SignatureCost | null = null;
  let queries: QueryTimings | null = null;
  let ruleChanges: RuleChange[] | null = null;
  let indexBytes = 0;
  let baseIndexBytes = 0;
  if (args.warm) {
    measure(join(work, 'keep.md'), [process.execPath, LOCKSTEP, 'diff', ...diffArgs, '--db', db]);
    process.stderr.write(`lockstep warm × ${Math.max(args.runs, 5)}…\n`);
    const warm = summarize(
      Array.from({ length: Math.max(args.runs, 5) }, () => measure(join(work, 'warm.md'), [process.execPath, LOCKSTEP, 'diff', ...diffArgs, '--db', db])),
    );
    const warmReport = readFileSync(join(work, 'warm.md'), 'utf8');
    rows.push(['lockstep diff, warm (kept --db index)', warm, warmReport === coldReport ? 'report identical' : 'REPORT DIFFERS']);
    indexBytes = indexSize(db);
    signing = await measureSignatures(db, logs.canary, logs.ours);
    queries = await measureWorkbenchQueries(join(work, 'workbench'), logs.canary, logs.ours);
    process.stderr.write('rule changes in the workbench…\n');
    ruleChanges = await measureRuleChanges(join(work, 'workbench'), logs.canary, logs.ours);
    if (args.before) {
      const baseDb = join(work, 'base-index.sqlite');
      measure(join(work, 'base-keep.md'), [process.execPath, join(args.before, 'bin/lockstep'), 'diff', ...diffArgs, '--db', baseDb]);
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(baseDb + suffix)) baseIndexBytes += statSync(baseDb + suffix).size;
    }
  }

  const unrelated = args.unrelated ? measureUnrelated() : null;
  const similarity = args.similarity ? measureSimilarityMapping(join(ROOT, '.bench'), Math.max(args.runs, 5)) : null;
  const compressedLines = args.compressed
    ? await benchCompressed({
        logs,
        work,
        runs: args.runs,
        diffRuns: (label, outFile, extra, runs) => {
          process.stderr.write(`${label}…\n`);
          return summarize(Array.from({ length: runs }, () => measure(outFile, [process.execPath, LOCKSTEP, 'diff', ...extra])));
        },
        plainCold: cold.get(current)!,
        plainReport: coldReport,
        plainQueries: queries,
      })
    : [];
  const search = args.search ? await runSearch(args) : null;
  const many = args.manyThreads.map((t) => measureManyThreads(t, args, programs));

  const lines: string[] = [];
  lines.push(
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`,
  );
  lines.push(
    `Logs: ${gen.canaryEvents.toLocaleString('en')} + ${gen.oursEvents.toLocaleString('en')} events, ${(logs.bytes / 2 ** 20).toFixed(0)} MiB together (${args.threads} threads, ${editsPerThread(args)} known edits in each of ours, generator seed bench-${args.events}); medians of ${args.runs} runs` +
      (previous ? `; previous build: ${args.previous}, interleaved run by run` : ''),
  );
  lines.push('');
  lines.push('| run | wall s | CPU s | peak RSS MB | wall vs reference | RSS vs reference | note |');
  lines.push('|---|---:|---:|---:|---:|---:|---|');
  for (const [name, m, note] of rows) {
    if (!m) {
      lines.push(`| ${name} | — | — | — | — | — | ${note} |`);
      continue;
    }
    const vs = ref && m !== ref ? `${fmt(m.wall / ref.wall, 3)}× (${fmt(ref.wall / m.wall, 1)}× faster)` : m === ref ? '1×' : '—';
    const rss = ref && m !== ref ? `${fmt(m.rssMB / ref.rssMB, 3)}×` : m === ref ? '1×' : '—';
    lines.push(`| ${name} | ${fmt(m.wall)} | ${fmt(m.cpu)} | ${fmt(m.rssMB, 0)} | ${vs} | ${rss} | ${m.status !== 0 ? `exit ${m.status} ` : ''}${note} |`);
  }
  if (signing) {
    lines.push(
      `\nSignatures and clustering alone (every hunk signed, the signatures grouped; from the kept index, in-process): ${fmt(signing.seconds, 3)} s for ` +
        `${signing.hunks} hunks in ${signing.pairs} pairs (${signing.signatures} signatures) = ${fmt((100 * signing.seconds) / coldJson.wall, 2)}% of the cold aligned diff's time.`,
    );
  }
  if (indexBytes) {
    lines.push(
      `\nIndex on disk: ${(indexBytes / 2 ** 20).toFixed(1)} MiB = ${fmt(indexBytes / logs.bytes, 3)}× the logs` +
        (baseIndexBytes ? `; the build before's: ${(baseIndexBytes / 2 ** 20).toFixed(1)} MiB = ${fmt(baseIndexBytes / logs.bytes, 3)}× the logs.` : '.'),
    );
  }
  if (ruleChanges) {
    lines.push('');
    lines.push('| rule change in the workbench (kept index, keys derived from it) | wall ms | CPU ms | pairs diverging | hunks | RSS MB after |');
    lines.push('|---|---:|---:|---:|---:|---:|');
    for (const r of ruleChanges) lines.push(`| ${r.name} | ${fmt(r.wallMs, 0)} | ${fmt(r.cpuMs, 0)} | ${r.diverging} | ${r.hunks} | ${fmt(r.rssMB, 0)} |`);
  }
  if (unrelated) {
    lines.push('');
    lines.push(
      `Two unrelated 200k-event threads forced into one pair (\`--tid-map\`): default diff ${fmt(unrelated.plain.wall)} s / ${fmt(unrelated.plain.rssMB, 0)} MB; ` +
        `\`--format json\` ${fmt(unrelated.json.wall)} s / ${fmt(unrelated.json.rssMB, 0)} MB = ${fmt(unrelated.json.wall / unrelated.plain.wall, 2)}× its time; ${unrelated.note}.`,
    );
  }
  if (similarity) lines.push('', similarityLine(similarity));
  if (many.length) {
    lines.push('');
    lines.push(
      `Many short threads (two ${args.manyEvents.toLocaleString('en')}-event logs, 10 known edits per thread, \`--many-threads ${args.manyThreads.join(',')}\`; medians of ${args.runs} runs):`,
    );
    lines.push('');
    lines.push('| threads | build | cold diff s | cold diff peak RSS MB | --format json s | json peak RSS MB | json / cold | index / logs | note |');
    lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---|');
    for (const m of many) {
      for (const r of m.rows) {
        lines.push(
          `| ${m.threads.toLocaleString('en')} | ${r.program.name} | ${fmt(r.cold.wall)} | ${fmt(r.cold.rssMB, 0)} | ${fmt(r.json.wall)} | ${fmt(r.json.rssMB, 0)} | ${fmt(r.json.wall / r.cold.wall, 2)}× | ${fmt(r.indexBytes / m.logBytes, 3)}× | ${r.note} |`,
        );
      }
    }
  }
  if (queries) {
    lines.push('');
    lines.push('| workbench query (kept index) | median ms | p99 ms | max ms | n |');
    lines.push('|---|---:|---:|---:|---:|');
    for (const q of queries) lines.push(`| ${q.name} | ${fmt(q.median)} | ${fmt(q.p99)} | ${fmt(q.max)} | ${q.n} |`);
  }
  lines.push(...compressedLines);
  if (search) lines.push('', await searchSection(args, Promise.resolve(search)));
  const text = lines.join('\n') + '\n';
  writeFileSync(join(ROOT, '.bench', `results-${args.events}.md`), text);
  process.stdout.write('\n' + text);
}

function similarityLine(s: SimilarityTimings): string {
  return (
    `Similarity mapping of ${s.threads.toLocaleString('en')} threads per side (${s.events.toLocaleString('en')} events; 600 share a first call, created in another order by ours; 10 first calls differ): ` +
    `${fmt(s.similarityMs / 1000, 3)} s wall, ${fmt(s.similarityCpuMs / 1000, 3)} s CPU (medians of ${s.runs}; target ≤ 2 s), ${s.correct} of ${s.threads} pairs as generated, ${s.unsure} unsure; ` +
    `the reference's pairing by first call on the same index: ${fmt(s.referenceMs / 1000, 3)} s, ${s.referenceCorrect} of ${s.threads} as generated.`
  );
}

/** The find box on a pair of one-thread logs of N events (generated once, cached in .bench/). */
async function runSearch(args: Args): Promise<{ bench: SearchBench; logBytes: number }> {
  const logs = ensureLogs({ ...args, threads: 1, edits: null });
  const work = join(logs.dir, 'search');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  process.stderr.write('the find box (search index, finds)…\n');
  return { bench: await measureSearch(work, logs.canary, logs.ours), logBytes: logs.bytes };
}

async function searchSection(args: Args, pending: Promise<{ bench: SearchBench; logBytes: number }>): Promise<string> {
  const { bench: s, logBytes } = await pending;
  const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
  const out = [
    `The find box on two one-thread logs of ${args.events.toLocaleString('en')} events (${s.events.toLocaleString('en')} events, ${mib(logBytes)} MiB together):`,
    '',
    `- search index of both logs (search/prepare, a worker per log): ${fmt(s.buildMs / 1000)} s = ${fmt(s.buildMs / s.ingestMs, 2)}× the time to index them when the session opened (${fmt(s.ingestMs / 1000)} s); ` +
      `${mib(s.indexGrowth)} MiB on disk = ${fmt(s.indexGrowth / logBytes, 3)}× the logs (columns ${mib(s.columnBytes)} MiB)`,
    `- the first search after opening the session (a text: every column's dictionary read from the index): ${fmt(s.firstFindMs)} ms (CPU ${fmt(s.firstFindCpuMs)} ms)`,
    `- load average during the run: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (wall times grow with it; CPU times much less)`,
    '',
    '| find box request (search index built, each find a new query) | median ms | p99 ms | max ms | n | median CPU ms | p99 CPU ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...s.queries.map((q) => `| ${q.name} | ${fmt(q.median)} | ${fmt(q.p99)} | ${fmt(q.max)} | ${q.n} | ${fmt(q.cpuMedian)} | ${fmt(q.cpuP99)} |`),
  ];
  return out.join('\n');
}

/** Whether two JSON reports hold the same alignments (every pair's hunks and verdict). */
function sameAlignment(a: string, b: string): string {
  const pairs = (path: string): string => JSON.stringify((JSON.parse(readFileSync(path, 'utf8')) as { pairs: unknown[] }).pairs);
  return pairs(a) === pairs(b) ? 'same pairs and hunks as ours' : 'PAIRS OR HUNKS DIFFER from ours';
}

interface ManyThreads {
  threads: number;
  logBytes: number;
  rows: { program: Program; cold: Summary; json: Summary; indexBytes: number; note: string }[];
}

/** Two 1M-event logs of many short threads: memory, the alignment of many small pairs, and the index's overhead per block. */
function measureManyThreads(threads: number, args: Args, programs: Program[]): ManyThreads {
  const logs = ensureLogs({ events: args.manyEvents, threads, edits: 10 });
  const work = join(logs.dir, 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const diffArgs = ['diff', '--canary', logs.canary, '--ours', logs.ours, '--quiet'];
  const label = `${threads} threads`;
  const cold = interleaved(
    programs,
    args.runs,
    `${label}: cold`,
    () => diffArgs,
    (p) => join(work, `cold-${p.name}.md`),
  );
  const json = interleaved(
    programs,
    args.runs,
    `${label}: --format json`,
    () => [...diffArgs, '--format', 'json'],
    (p) => join(work, `cold-${p.name}.json`),
  );
  const reference = readFileSync(join(work, 'cold-lockstep.md'), 'utf8');
  return {
    threads,
    logBytes: logs.bytes,
    rows: programs.map((p) => {
      const db = join(work, `index-${p.name}.sqlite`);
      measure(join(work, `keep-${p.name}.md`), [process.execPath, p.bin, ...diffArgs, '--db', db]);
      const notes = [alignmentNote(join(work, `cold-${p.name}.json`)), `cold ${spread(cold.get(p)!)}`];
      if (p.name !== 'lockstep') {
        notes.push(readFileSync(join(work, `cold-${p.name}.md`), 'utf8') === reference ? 'report identical to ours' : 'REPORT DIFFERS from ours');
        notes.push(sameAlignment(join(work, `cold-${p.name}.json`), join(work, 'cold-lockstep.json')));
      }
      return { program: p, cold: cold.get(p)!, json: json.get(p)!, indexBytes: indexSize(db), note: notes.join('; ') };
    }),
  };
}

/** What the JSON report says of the alignment: hunks, pairs realigned to the end, and the cost against what was injected. */
function alignmentNote(path: string): string {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { pairs: { aligned: boolean; alignmentCost: number; hunks: unknown[]; notRealignedAfter: unknown }[] };
  const hunks = doc.pairs.reduce((n, p) => n + p.hunks.length, 0);
  const realigned = doc.pairs.filter((p) => p.aligned).length;
  return `${hunks} hunks in ${doc.pairs.length} pairs, ${realigned} realigned to the end`;
}

/** Two threads with nothing in common, paired by hand: the alignment must stop, in bounded time and memory, and say where. */
function measureUnrelated(): { plain: Measure; json: Measure; note: string } {
  const dir = join(ROOT, '.bench', `v${GENERATOR_VERSION}-unrelated-200k`);
  const a = join(dir, 'a-canary.jsonl');
  const b = join(dir, 'b-ours.jsonl');
  if (!existsSync(join(dir, 'complete'))) {
    mkdirSync(dir, { recursive: true });
    generatePair(a, join(dir, 'a-ours.jsonl'), { seed: 'unrelated-a', eventsPerThread: 200_000, threads: 1, profile: 'realistic', divergences: 0 });
    generatePair(join(dir, 'b-canary.jsonl'), b, { seed: 'unrelated-b', eventsPerThread: 200_000, threads: 1, profile: 'realistic', divergences: 0 });
    writeFileSync(join(dir, 'complete'), '');
  }
  const args = ['--canary', a, '--ours', b, '--tid-map', '6=1', '--quiet'];
  process.stderr.write('unrelated threads…\n');
  const plain = measure(join(dir, 'plain.md'), [process.execPath, LOCKSTEP, 'diff', ...args]);
  const json = measure(join(dir, 'plain.json'), [process.execPath, LOCKSTEP, 'diff', ...args, '--format', 'json']);
  const doc = JSON.parse(readFileSync(join(dir, 'plain.json'), 'utf8')) as {
    pairs: { aligned: boolean; notRealignedAfter: { canary: number; ours: number } | null }[];
  };
  const p = doc.pairs[0]!;
  const note = p.aligned
    ? 'realigned (unexpected for unrelated threads)'
    : `"not realigned after canary ${p.notRealignedAfter!.canary} / ours ${p.notRealignedAfter!.ours}"`;
  return { plain, json, note };
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(1);
});
