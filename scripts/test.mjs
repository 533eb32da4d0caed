#!/usr/bin/env node
// `npm test`: everything CI checks, in order, stopping at the first failure.
//   build -> typecheck -> layering -> unit and parity tests (vitest) -> end-to-end (Playwright)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function step(title, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${title}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    process.stderr.write(`\n${title}: failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

step('build', npx, ['electron-vite', 'build']);
step('typecheck', npx, ['tsc', '--noEmit', '-p', 'tsconfig.json']);
if (existsSync(resolve(root, 'src/renderer/App.svelte'))) {
  step('svelte-check', npx, ['svelte-check', '--tsconfig', './tsconfig.json', '--threshold', 'error', '--fail-on-warnings']);
}
step('layering', process.execPath, ['scripts/check-imports.mjs']);
step('unit and parity tests', npx, ['vitest', 'run']);
if (existsSync(resolve(root, 'playwright.config.ts'))) {
  step('browser prerequisites', process.execPath, ['scripts/ensure-chromium.mjs']);
  step('end-to-end tests', npx, ['playwright', 'test']);
}
process.stdout.write('\nall tests passed\n');
