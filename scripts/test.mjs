#!/usr/bin/env node
// `npm test`: everything CI checks, in order, stopping at the first failure.
//   build -> lint (eslint, layering, knip) -> format check -> typecheck -> unit and parity tests (vitest) -> end-to-end (Playwright)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(title, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${title}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    process.stderr.write(`\n${title}: failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

step('build', npx, ['electron-vite', 'build']);
step('lint (eslint, layering, knip)', npm, ['run', 'lint']);
step('format check (prettier)', npm, ['run', 'format:check']);
step('typecheck (tsc, svelte-check)', npm, ['run', 'typecheck']);
step('unit and parity tests', npx, ['vitest', 'run']);
if (existsSync(resolve(root, 'playwright.config.ts'))) {
  step('browser prerequisites', process.execPath, ['scripts/ensure-chromium.mjs']);
  step('end-to-end tests', npx, ['playwright', 'test']);
}
process.stdout.write('\nall tests passed\n');
