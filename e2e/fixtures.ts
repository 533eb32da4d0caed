// One fixture for every end-to-end test: a real `lockstep serve` (real
// backend, real SQLite, real files) on a fresh data directory, and Debian's
// Chromium driving the page it serves.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

export const ROOT = resolve(__dirname, '..');
export const DEMO = { canary: join(ROOT, 'resources/demo/canary.jsonl'), ours: join(ROOT, 'resources/demo/ours.jsonl') };
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

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
