#!/usr/bin/env node
// `npm start`: build if needed, then show the bundled demo pair's divergences.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
if (!existsSync(join(root, 'out/main/cli.js'))) {
  const b = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const demo = join(root, 'resources/demo');
const r = spawnSync(process.execPath, [join(root, 'bin/lockstep'), 'diff', '--canary', join(demo, 'canary.jsonl'), '--ours', join(demo, 'ours.jsonl'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
