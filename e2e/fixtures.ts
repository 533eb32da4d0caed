// One fixture for every end-to-end test: a real `lockstep serve` (real
// backend, real SQLite, real files) on a fresh data directory, and Debian's
// Chromium driving the page it serves.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

export const ROOT = resolve(__dirname, '..');
export const DEMO = { canary: join(ROOT, 'resources/demo/canary.jsonl'), ours: join(ROOT, 'resources/demo/ours.jsonl') };
const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export interface ServeHost {
  url: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Start `bin/lockstep serve` on a free port; resolves once it prints its URL. */
export function startServe(dataDir: string): Promise<ServeHost> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin/lockstep'), 'serve', '--port', '0', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`lockstep serve did not start: ${out}${err}`)), 20_000);
    p.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    p.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /Lockstep workbench: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done({
          url: m[1]!,
          dataDir,
          process: p,
          stop: () =>
            new Promise<void>((stopped) => {
              if (p.exitCode !== null) return stopped();
              p.once('exit', () => stopped());
              p.kill('SIGTERM');
            }),
        });
      }
    });
    p.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`lockstep serve exited with ${code}: ${out}${err}`));
    });
  });
}

/** `bin/lockstep diff` of two logs, as the oracle: its stdout (the reference's Markdown report). */
export function lockstepDiff(canary: string, ours: string, opts: { tidMap?: string; canonicalize?: boolean } = {}): string {
  const args = [join(ROOT, 'bin/lockstep'), 'diff', '--canary', canary, '--ours', ours, '--quiet'];
  if (opts.tidMap !== undefined) args.push('--tid-map', opts.tidMap);
  if (opts.canonicalize === false) args.push('--no-canonicalize-allocators');
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`lockstep diff ${args.slice(2).join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export interface SummaryRow {
  canaryTid: string;
  oursTid: string;
  matched: number;
  canaryTotal: number;
  oursTotal: number;
  /** first_divergence_at, null for "—". */
  divergence: number | null;
  /** The reference's description of the first divergence. */
  description: string | null;
}

/** The summary table (and each pair's divergence line) of a reference report. */
export function parseSummary(report: string): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const m of report.matchAll(/^\| (\S+) \| (\S+) \| (\d+) \| (\d+) \| (\d+) \| (\S+) \|$/gm)) {
    rows.push({
      canaryTid: m[1]!,
      oursTid: m[2]!,
      matched: Number(m[3]),
      canaryTotal: Number(m[4]),
      oursTotal: Number(m[5]),
      divergence: m[6] === '—' ? null : Number(m[6]),
      description: null,
    });
  }
  for (const m of report.matchAll(/^## canary_tid=(\S+) → ours_tid=\S+\n\nFirst divergence at `tid_event_idx=\d+`: (.*)$/gm)) {
    const r = rows.find((x) => x.canaryTid === m[1]);
    if (r) r.description = m[2]!;
  }
  return rows;
}

/** A copy of the demo logs in a folder of their own (sessions are saved beside them; logs can be moved). */
export function copyDemo(dir: string): { canary: string; ours: string } {
  mkdirSync(dir, { recursive: true });
  const to = { canary: join(dir, 'canary.jsonl'), ours: join(dir, 'ours.jsonl') };
  copyFileSync(DEMO.canary, to.canary);
  copyFileSync(DEMO.ours, to.ours);
  return to;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

export const test = base.extend<{ dataDir: string; serve: ServeHost }>({
  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-e2e-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  serve: async ({ dataDir }, use) => {
    const host = await startServe(dataDir);
    await use(host);
    await host.stop();
  },
});

export { expect };
