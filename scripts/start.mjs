#!/usr/bin/env node
// `npm start`: build, then open the workbench.
//
// The Electron shell needs two things fetched from the internet on first use:
// Electron's binary (downloaded lazily by the electron package) and Electron's
// headers (to build better-sqlite3 for Electron's ABI, kept apart from Node's
// build in build/electron-native/). Where either cannot be had (an offline
// machine), say so in one line and open the same workbench through
// `lockstep serve` in the default browser instead.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const quiet = { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' };
const say = (line) => process.stdout.write(`lockstep: ${line}\n`);

function build() {
  const r = spawnSync('npx', ['electron-vite', 'build'], quiet);
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    process.exit(r.status ?? 1);
  }
}

/** Electron's executable, downloading it if needed; null (with the reason) when impossible. */
function electronBinary() {
  const dir = join(root, 'node_modules', 'electron');
  const installed = () => {
    const p = join(dir, 'path.txt');
    if (!existsSync(p)) return null;
    const bin = join(dir, 'dist', readFileSync(p, 'utf8'));
    return existsSync(bin) ? bin : null;
  };
  if (installed()) return { bin: installed() };
  if (process.env.LOCKSTEP_NO_ELECTRON) return { why: 'LOCKSTEP_NO_ELECTRON is set' };
  say('downloading Electron (first start)…');
  const r = spawnSync(process.execPath, [join(dir, 'install.js')], { ...quiet, timeout: 300_000 });
  const bin = installed();
  if (bin) return { bin };
  const detail = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').find((l) => /error|ENOTFOUND|EAI_AGAIN|ECONN|timed out/i.test(l)) ?? `exit ${r.status}`;
  return { why: `its binary cannot be downloaded here (${detail.trim().slice(0, 120)})` };
}

/** better-sqlite3 for Electron's ABI, built once per Electron version. */
function electronNative(bin) {
  const version = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  const outDir = join(root, 'build', 'electron-native');
  const target = join(outDir, `better_sqlite3-${version}.node`);
  const loads = (file) =>
    spawnSync(bin, ['-e', `require(${JSON.stringify(file)})`], { ...quiet, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 60_000 }).status === 0;
  if (existsSync(target) && loads(target)) return { path: target };
  say(`building better-sqlite3 for Electron ${version} (once)…`);
  const work = join(outDir, `src-${version}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const src = join(root, 'node_modules', 'better-sqlite3');
  cpSync(src, work, { recursive: true, filter: (p) => !p.includes(`${join(src, 'build')}`) });
  const nodeGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const gyp = existsSync(nodeGyp) ? [process.execPath, nodeGyp] : ['npx', 'node-gyp'];
  const r = spawnSync(
    gyp[0],
    [...gyp.slice(1), 'rebuild', '--release', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
    {
      ...quiet,
      cwd: work,
      timeout: 600_000,
    },
  );
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  // node-gyp can report success and still produce a Node build: only a binary Electron can load counts.
  if (r.status === 0 && existsSync(built) && loads(built)) {
    copyFileSync(built, target);
    rmSync(work, { recursive: true, force: true });
    return { path: target };
  }
  rmSync(work, { recursive: true, force: true });
  return { why: "better-sqlite3 cannot be built for Electron here (Electron's headers cannot be downloaded)" };
}

function serveInBrowser(why) {
  say(`Electron is not available: ${why}; opening the workbench with lockstep serve in your browser instead.`);
  const p = spawn(process.execPath, [join(root, 'bin', 'lockstep'), 'serve', '--open', ...process.argv.slice(2)], { stdio: 'inherit' });
  p.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => p.kill(sig));
}

build();
const e = electronBinary();
if (!e.bin) serveInBrowser(e.why);
else {
  const n = electronNative(e.bin);
  if (!n.path) serveInBrowser(n.why);
  else {
    const p = spawn(e.bin, [root, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, LOCKSTEP_NATIVE_BINDING: n.path } });
    p.on('exit', (code) => process.exit(code ?? 0));
  }
}
