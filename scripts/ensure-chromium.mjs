#!/usr/bin/env node
// The end-to-end tests drive Debian's Chromium. Install it when it is missing
// and we can (root with apt-get); otherwise say exactly what is needed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.LOCKSTEP_CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(CHROMIUM)) {
  process.stdout.write(`chromium: ${execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim()}\n`);
  process.exit(0);
}
const root = process.getuid?.() === 0;
const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
if (!root || !apt) {
  process.stderr.write(`The end-to-end tests need Chromium at ${CHROMIUM}: run 'sudo apt-get install -y chromium' (or set LOCKSTEP_CHROMIUM).\n`);
  process.exit(1);
}
process.stdout.write('installing chromium (apt-get)…\n');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
if (!run(['install', '-y', '-q', 'chromium'])) {
  if (!run(['update', '-q']) || !run(['install', '-y', '-q', 'chromium'])) {
    process.stderr.write('apt-get could not install chromium\n');
    process.exit(1);
  }
}
process.stdout.write('chromium installed\n');
