#!/usr/bin/env node
// The layering of DESIGN.md, checked: which folder may import what.
//   src/shared   -> only src/shared (no node built-ins, no electron, no svelte)
//   src/main     -> src/main, src/shared; `electron` only in src/main/electron/
//   src/preload  -> src/shared and electron (never the core)
//   src/renderer -> src/renderer, src/shared (no node built-ins, no electron)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { builtinModules } from 'node:module';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const problems = [];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|svelte|mts)$/.test(name)) yield p;
  }
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

for (const file of files(join(root, 'src'))) {
  const rel = relative(root, file);
  const layer = rel.split('/')[1];
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const bad = (why) => problems.push(`${rel}: imports '${spec}' (${why})`);
    const target = spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)).split('/')[1] : null;
    if (spec === 'electron' || spec.startsWith('electron/')) {
      if (layer === 'main' && !rel.startsWith('src/main/electron/')) bad('only src/main/electron/ may import electron');
      if (layer === 'shared' || layer === 'renderer') bad(`${layer} must not import electron`);
      continue;
    }
    if (builtins.has(spec) && (layer === 'shared' || layer === 'renderer')) bad(`${layer} must not use node built-ins`);
    if (target && target !== layer && target !== 'shared') bad(`${layer} must not import from src/${target}`);
    if (layer === 'shared' && !spec.startsWith('.')) bad('shared imports nothing but shared');
  }
}

if (problems.length) {
  process.stderr.write(`layering check failed:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write('layering check: ok\n');
