// `npm run bench [-- --events N] [--runs K] [--no-reference] [--skip-warm]`
//
// Generates (once, cached in .bench/) a deterministic pair of logs with the
// project's generator, then measures, side by side in the same run:
//   - the reference tool (python3 diff_events.py),
//   - `bin/lockstep diff` cold (fresh temporary index) and warm (kept --db index),
// reporting the median wall time, CPU time and peak RSS over K runs, the
// ratios against the reference, whether the reports are byte-identical, and
// the size of the index against the logs. Figures are ratios because these
// machines are noisy; nothing here is a pass/fail test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { generatePair } from '../src/main/generator/generateLogs';
import { measureWorkbenchQueries, type QueryTimings } from './benchQueries';

const ROOT = resolve(__dirname, '..');
const REFERENCE = process.env.LOCKSTEP_REFERENCE ?? resolve(ROOT, '../shared/reference/diff_events.py');
const LOCKSTEP = join(ROOT, 'bin/lockstep');
const GENERATOR_VERSION = 1;

interface Args {
  events: number;
  runs: number;
  reference: boolean;
  warm: boolean;
  threads: number;
}

function parse(argv: string[]): Args {
  const a: Args = { events: 1_000_000, runs: 3, reference: true, warm: true, threads: 8 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--events') a.events = Number(argv[++i]);
    else if (v === '--runs') a.runs = Number(argv[++i]);
    else if (v === '--threads') a.threads = Number(argv[++i]);
    else if (v === '--no-reference') a.reference = false;
    else if (v === '--skip-warm') a.warm = false;
    else throw new Error(`unknown option ${v}`);
  }
  if (!Number.isInteger(a.events) || a.events < 1) throw new Error('--events wants a positive integer');
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

function summarize(ms: Measure[]): Measure {
  return { wall: median(ms.map((m) => m.wall)), cpu: median(ms.map((m) => m.cpu)), rssMB: median(ms.map((m) => m.rssMB)), status: ms[0]!.status };
}

function ensureLogs(args: Args): { dir: string; canary: string; ours: string; bytes: number } {
  const dir = join(ROOT, '.bench', `v${GENERATOR_VERSION}-${args.events}-${args.threads}`);
  const canary = join(dir, 'canary.jsonl');
  const ours = join(dir, 'ours.jsonl');
  const stamp = join(dir, 'complete');
  if (!existsSync(stamp)) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`generating ${args.events} events per log in ${dir} (once)…\n`);
    const r = generatePair(canary, ours, {
      seed: `bench-${args.events}`,
      eventsPerThread: Math.round(args.events / args.threads),
      threads: args.threads,
      profile: 'realistic',
      divergences: 3,
    });
    writeFileSync(stamp, JSON.stringify(r));
  }
  return { dir, canary, ours, bytes: statSync(canary).size + statSync(ours).size };
}

function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'out/main/cli.js'))) throw new Error('build first: npm run build');
  const logs = ensureLogs(args);
  const gen = JSON.parse(readFileSync(join(logs.dir, 'complete'), 'utf8')) as { canaryEvents: number; oursEvents: number };
  const work = join(logs.dir, 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const diffArgs = ['--canary', logs.canary, '--ours', logs.ours, '--quiet'];
  const rows: [string, Measure | null, string][] = [];

  let ref: Measure | null = null;
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

  process.stderr.write(`lockstep cold × ${args.runs}…\n`);
  const cold = summarize(Array.from({ length: args.runs }, () => measure(join(work, 'cold.md'), [process.execPath, LOCKSTEP, 'diff', ...diffArgs])));
  const coldReport = readFileSync(join(work, 'cold.md'), 'utf8');
  rows.push(['lockstep diff, cold (new index)', cold, refReport === null ? '' : coldReport === refReport ? 'report identical' : 'REPORT DIFFERS']);

  const db = join(work, 'index.sqlite');
  let queries: QueryTimings | null = null;
  let indexBytes = 0;
  if (args.warm) {
    measure(join(work, 'keep.md'), [process.execPath, LOCKSTEP, 'diff', ...diffArgs, '--db', db]);
    process.stderr.write(`lockstep warm × ${Math.max(args.runs, 5)}…\n`);
    const warm = summarize(
      Array.from({ length: Math.max(args.runs, 5) }, () => measure(join(work, 'warm.md'), [process.execPath, LOCKSTEP, 'diff', ...diffArgs, '--db', db])),
    );
    const warmReport = readFileSync(join(work, 'warm.md'), 'utf8');
    rows.push(['lockstep diff, warm (kept --db index)', warm, warmReport === coldReport ? 'report identical' : 'REPORT DIFFERS']);
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(db + suffix)) indexBytes += statSync(db + suffix).size;
    queries = await measureWorkbenchQueries(join(work, 'workbench'), logs.canary, logs.ours);
  }

  const lines: string[] = [];
  lines.push(
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`,
  );
  lines.push(
    `Logs: ${gen.canaryEvents.toLocaleString('en')} + ${gen.oursEvents.toLocaleString('en')} events, ${(logs.bytes / 2 ** 20).toFixed(0)} MiB together (${args.threads} threads, generator seed bench-${args.events}); medians of ${args.runs} runs`,
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
  if (indexBytes) lines.push(`\nIndex on disk: ${(indexBytes / 2 ** 20).toFixed(1)} MiB = ${fmt(indexBytes / logs.bytes, 3)}× the logs.`);
  if (queries) {
    lines.push('');
    lines.push('| workbench query (kept index) | median ms | p99 ms | max ms | n |');
    lines.push('|---|---:|---:|---:|---:|');
    for (const q of queries) lines.push(`| ${q.name} | ${fmt(q.median)} | ${fmt(q.p99)} | ${fmt(q.max)} | ${q.n} |`);
  }
  const text = lines.join('\n') + '\n';
  writeFileSync(join(ROOT, '.bench', `results-${args.events}.md`), text);
  process.stdout.write('\n' + text);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(1);
});
