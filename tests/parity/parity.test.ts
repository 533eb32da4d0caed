// Parity with the reference tool: `bin/lockstep diff` must print the same
// bytes and exit alike on every generated case. Live against the reference
// where it is present; against recorded golden outputs everywhere.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { materializeCase, parityCase } from './cases';
import { readGoldens } from './golden';
import { differences, LOCKSTEP, pool, REFERENCE, referenceAvailable, ROOT, runLockstep, runReference } from './runTools';

const LIVE_CASES = Number(process.env.LOCKSTEP_PARITY_CASES ?? 320);
const CONCURRENCY = 4;

function withCaseDir<T>(id: string, f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `parity-${id}-`));
  return f(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'out/main/cli.js'))) throw new Error(`${LOCKSTEP} is not built: run npm run build first`);
});

describe('golden cases (reference output recorded in tests/parity/golden)', () => {
  const goldens = readGoldens();

  it('has golden files to check', () => {
    expect(goldens.length).toBeGreaterThanOrEqual(40);
  });

  it('lockstep prints what the reference printed, and exits alike', async () => {
    const failures = await pool(goldens, CONCURRENCY, (g) =>
      withCaseDir(g.id, async (dir) => {
        const c = parityCase(Number(g.id.slice(5)));
        const digest = materializeCase(c, dir);
        if (digest !== g.digest || JSON.stringify(c.args) !== JSON.stringify(g.args)) {
          return `${g.id}: generated inputs changed since the golden file was recorded; run: npx tsx scripts/update-golden.ts`;
        }
        const d = differences(g, await runLockstep(dir, c.args));
        return d.length ? `${g.id} (${c.args.join(' ')}, damage ${c.damage}):\n  ${d.join('\n  ')}` : null;
      }),
    );
    expect(failures.filter((f) => f !== null)).toEqual([]);
  });
});

describe.skipIf(!referenceAvailable())(`live parity with ${REFERENCE}`, () => {
  it(`${LIVE_CASES} generated cases: identical stdout, --out file and exit status`, async () => {
    const cases = Array.from({ length: LIVE_CASES }, (_, n) => parityCase(n));
    const results = await pool(cases, CONCURRENCY, (c) =>
      withCaseDir(c.id, async (dir) => {
        materializeCase(c, dir);
        const ref = await runReference(dir, c.args);
        const ours = await runLockstep(dir, c.args);
        const d = differences(ref, ours);
        return { c, ref, d };
      }),
    );
    const failures = results.filter((r) => r.d.length > 0).map((r) => `${r.c.id} (${r.c.args.join(' ')}, damage ${r.c.damage}):\n  ${r.d.join('\n  ')}`);
    expect(failures).toEqual([]);
    // The suite must exercise every outcome the reference has.
    const statuses = new Set(results.map((r) => r.ref.status));
    expect([...statuses].sort()).toEqual([0, 1, 2]);
    expect(results.filter((r) => r.ref.stdout.includes('First divergence')).length).toBeGreaterThan(LIVE_CASES / 3);
  }, 900_000);
});

if (!referenceAvailable()) {
  console.warn(`live parity skipped: the reference tool is not at ${REFERENCE} (set LOCKSTEP_REFERENCE to its path); golden cases still ran`);
}
