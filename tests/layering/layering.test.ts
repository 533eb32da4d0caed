// The layering check (.dependency-cruiser.cjs, run by `npm run lint`) must be
// able to fail: on a miniature tree holding one forbidden import per rule, the
// real tool reports each of them, and nothing that is allowed.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const FIXTURE = join(__dirname, 'fixture');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** The check as `npm run lint` runs it (its exit status), and the violations it found. */
function cruise(cwd: string, config: string): { status: number | null; violations: Violation[] } {
  const asLint = spawnSync(process.execPath, [DEPCRUISE, 'src', '--config', config, '--output-type', 'err'], { cwd, encoding: 'utf8' });
  const json = spawnSync(process.execPath, [DEPCRUISE, 'src', '--config', config, '--output-type', 'json'], { cwd, encoding: 'utf8' });
  const out = JSON.parse(json.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return { status: asLint.status, violations: out.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to })) };
}

describe('the layering check', () => {
  const { status, violations } = cruise(FIXTURE, join(ROOT, '.dependency-cruiser.cjs'));
  const found = (rule: string, from: string): boolean => violations.some((v) => v.rule === rule && v.from === from);

  it('fails on the fixture', () => {
    expect(status).not.toBe(0);
  });

  it.each([
    ['renderer-no-node', 'src/renderer/sideEffects.ts', "import 'node:fs' (no `from`)"],
    ['renderer-only-renderer-and-shared', 'src/renderer/sideEffects.ts', "import '../main/store/db' (no `from`)"],
    ['renderer-only-renderer-and-shared', 'src/renderer/Bad.svelte', 'a Svelte component importing the core'],
    ['shared-no-platform', 'src/shared/platform.ts', 'the contract importing node:path'],
    ['main-layer-store', 'src/main/store/upward.ts', 'store importing service (upward)'],
    ['no-circular', 'src/main/ingest/a.ts', 'a cycle'],
    ['electron-only-in-the-shell', 'src/main/diff/usesElectron.ts', 'electron outside the shell'],
    ['src-not-tests', 'src/main/store/testsImport.ts', 'production code importing tests/'],
  ])('reports %s in %s (%s)', (rule, from) => {
    expect(found(rule, from), JSON.stringify(violations, null, 2)).toBe(true);
  });

  it('allows what the layers allow: the Electron shell importing electron', () => {
    expect(violations.filter((v) => v.from === 'src/main/electron/shell.ts')).toEqual([]);
  });

  it('passes on the real tree', () => {
    const real = cruise(ROOT, join(ROOT, '.dependency-cruiser.cjs'));
    expect(real.violations).toEqual([]);
    expect(real.status).toBe(0);
  }, 60_000);
});
