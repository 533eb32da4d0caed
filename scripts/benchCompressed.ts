// The benchmark's compressed-log rows (bench.ts runs them unless --skip-compressed):
// the same pair gzip- and zstd-compressed (by the real tools, cached in .bench/),
// a cold `lockstep diff` of each against the plain pair's cold diff of the same
// run, and the cost of reading events back from decompressed copies: the time
// the copy adds to decompressing a log, the disk it takes, and the workbench's
// reads from it against reads from the plain logs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLogBytes, type LogBytes } from '../src/main/ingest/logBytes';
import { CopyingBytes } from '../src/main/ingest/readBackCopy';
import { measureWorkbenchQueries, type QueryTimings } from './benchQueries';

export interface Measure {
  wall: number;
  cpu: number;
  rssMB: number;
  status: number;
}

interface Context {
  logs: { dir: string; canary: string; ours: string; bytes: number };
  work: string;
  runs: number;
  /** `lockstep diff ARGS` `runs` times (stdout to outFile): the medians. */
  diffRuns: (label: string, outFile: string, args: string[], runs: number) => Measure;
  plainCold: Measure;
  plainReport: string;
  /** The plain pair's workbench timings (null when the warm part was skipped): the copies' reads are compared with them. */
  plainQueries: QueryTimings | null;
}

const TOOLS = { gzip: ['gzip', '-6'], zstd: ['zstd', '-3', '-q'] } as const;

/** The log compressed by the real tool, once (null when the tool is not installed). */
function compressed(path: string, tool: keyof typeof TOOLS): string | null {
  const out = `${path}.${tool === 'gzip' ? 'gz' : 'zst'}`;
  if (existsSync(`${out}.complete`)) return out;
  const [cmd, ...flags] = TOOLS[tool];
  process.stderr.write(`compressing ${path} with ${TOOLS[tool].join(' ')} (once)…\n`);
  const r = spawnSync('bash', ['-c', `${cmd} ${flags.join(' ')} -c "$1" > "$2"`, 'compress', path, out]);
  if (r.status !== 0) return null;
  writeFileSync(`${out}.complete`, '');
  return out;
}

function readAll(bytes: LogBytes): number {
  const buf = Buffer.allocUnsafe(4 << 20);
  let n = 0;
  for (let k; (k = bytes.read(buf, 0, buf.length)) > 0;) n += k;
  return n;
}

/** Seconds to decompress a log, and to decompress it while writing its copy (in this process, one log, the best of three). */
function copyCost(path: string, copy: string): { plain: number; copying: number } {
  const best = (f: () => void): number => {
    let b = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      f();
      b = Math.min(b, (performance.now() - t) / 1000);
    }
    return b;
  };
  return {
    plain: best(() => {
      const b = openLogBytes(path);
      readAll(b);
      b.close();
    }),
    copying: best(() => {
      const c = new CopyingBytes(openLogBytes(path), copy);
      readAll(c);
      c.commit();
      c.close();
    }),
  };
}

function dirBytes(dir: string): number {
  return existsSync(dir) ? readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0) : 0;
}

const fmt = (n: number, d = 2): string => n.toFixed(d);
const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;

export async function benchCompressed(ctx: Context): Promise<string[]> {
  const lines: string[] = [];
  const rows: string[] = [];
  let gz: { canary: string; ours: string } | null = null;
  for (const tool of ['gzip', 'zstd'] as const) {
    const canary = compressed(ctx.logs.canary, tool);
    const ours = compressed(ctx.logs.ours, tool);
    if (!canary || !ours) {
      rows.push(`| ${tool} | — | — | — | — | — | ${TOOLS[tool][0]} is not installed: skipped |`);
      continue;
    }
    if (tool === 'gzip') gz = { canary, ours };
    const size = statSync(canary).size + statSync(ours).size;
    const out = join(ctx.work, `cold-${tool}.md`);
    const m = ctx.diffRuns(`lockstep cold, ${tool} × ${ctx.runs}`, out, ['--canary', canary, '--ours', ours, '--quiet'], ctx.runs);
    const same = readFileSync(out, 'utf8') === ctx.plainReport;
    rows.push(
      `| ${TOOLS[tool].join(' ')}: ${mib(size)} (${fmt(ctx.logs.bytes / size, 1)}× smaller) | ${fmt(m.wall)} | ${fmt(m.cpu)} | ${fmt(m.rssMB, 0)} | ` +
        `${fmt(m.wall / ctx.plainCold.wall, 3)}× | ${fmt(m.rssMB / ctx.plainCold.rssMB, 2)}× | ${m.status !== 0 ? `exit ${m.status} ` : ''}${same ? 'report identical to the plain pair’s' : 'REPORT DIFFERS'} |`,
    );
  }
  lines.push('');
  lines.push('| cold lockstep diff of the pair compressed | wall s | CPU s | peak RSS MB | wall vs plain | RSS vs plain | note |');
  lines.push('|---|---:|---:|---:|---:|---:|---|');
  lines.push(
    `| plain (the cold diff above) | ${fmt(ctx.plainCold.wall)} | ${fmt(ctx.plainCold.cpu)} | ${fmt(ctx.plainCold.rssMB, 0)} | 1× | 1× | ${mib(ctx.logs.bytes)} |`,
  );
  lines.push(...rows);
  if (!gz) return lines;

  // The read-back scheme: decompressed copies beside the index.
  process.stderr.write('decompressed copies: their cost…\n');
  const cost = copyCost(gz.canary, join(ctx.work, 'copy-cost.jsonl'));
  const db = join(ctx.work, 'gz-index.sqlite');
  ctx.diffRuns('lockstep cold, gzip, kept index', join(ctx.work, 'gz-kept.md'), ['--canary', gz.canary, '--ours', gz.ours, '--quiet', '--db', db], 1);
  let indexBytes = 0;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(db + suffix)) indexBytes += statSync(db + suffix).size;
  const copies = dirBytes(`${db}-decompressed`);
  const gzBytes = statSync(gz.canary).size + statSync(gz.ours).size;
  lines.push('');
  lines.push(
    `Reading back a compressed log: from its decompressed copy beside the index. Disk: the copies take ${mib(copies)} ` +
      `(${fmt(copies / ctx.logs.bytes, 2)}× the logs decompressed, ${fmt(copies / gzBytes, 1)}× the .gz files), the index ${mib(indexBytes)}. ` +
      `Time: writing the copy while decompressing one log took ${fmt(cost.copying)} s against ${fmt(cost.plain)} s without ` +
      `(+${fmt(cost.copying - cost.plain)} s, ${fmt((cost.copying / cost.plain - 1) * 100, 0)}%; in-process, best of 3).`,
  );
  if (ctx.plainQueries) {
    process.stderr.write('workbench reads from the copies…\n');
    const q = await measureWorkbenchQueries(join(ctx.work, 'workbench-gz'), gz.canary, gz.ours);
    lines.push('');
    lines.push('| workbench query, gzip pair (reads from the copies) | median ms | p99 ms | p99 vs plain | n |');
    lines.push('|---|---:|---:|---:|---:|');
    for (const t of q) {
      const plain = ctx.plainQueries.find((p) => p.name === t.name);
      lines.push(`| ${t.name} | ${fmt(t.median)} | ${fmt(t.p99)} | ${plain ? `${fmt(t.p99 / plain.p99, 2)}×` : '—'} | ${t.n} |`);
    }
  }
  return lines;
}
