// Parity with the reference tool: `bin/lockstep diff` must print the same
// bytes and exit alike on every generated case. Live against the reference
// where it is present; against recorded golden outputs everywhere.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { materializeCase, parityCase } from './cases';
import { classCase, CLASSES, materializeClassCase, type CaseClass } from './classCases';
import { GOLDEN_CLASS_CASES, readGoldens } from './golden';
import { differences, LOCKSTEP, pool, REFERENCE, referenceAvailable, ROOT, runLockstep, runReference, type ToolRun } from './runTools';

const LIVE_CASES = Number(process.env.LOCKSTEP_PARITY_CASES ?? 320);
const LIVE_CLASS_CASES = Number(process.env.LOCKSTEP_CLASS_CASES ?? 40);
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

  it('has golden files of every class of issue 12', () => {
    for (const cls of CLASSES) expect(goldens.filter((g) => g.id.startsWith(`${cls}-`)).length, cls).toBe(GOLDEN_CLASS_CASES);
  });

  it('lockstep prints what the reference printed, and exits alike', async () => {
    const failures = await pool(goldens, CONCURRENCY, (g) =>
      withCaseDir(g.id, async (dir) => {
        if (!g.id.startsWith('case-')) {
          const [cls, n] = g.id.split('-') as [CaseClass, string];
          const c = classCase(cls, Number(n));
          if (materializeClassCase(c, dir) !== g.digest || JSON.stringify(c.args) !== JSON.stringify(g.args)) {
            return `${g.id}: generated inputs changed since the golden file was recorded; run: npx tsx scripts/update-golden.ts`;
          }
          const d = differences(g, await runLockstep(dir, c.args, { env: c.env, isolate: true }));
          return d.length ? `${g.id} (${JSON.stringify(c.args).slice(0, 300)}):\n  ${d.join('\n  ')}` : null;
        }
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
  }, 600_000);
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

describe.skipIf(!referenceAvailable())(`live parity with ${REFERENCE}: the classes of issue 12`, () => {
  it.each(CLASSES)(
    `%s: ${LIVE_CLASS_CASES} generated cases, identical stdout, files written and exit status`,
    async (cls) => {
      const cases = Array.from({ length: LIVE_CLASS_CASES }, (_, n) => classCase(cls, n));
      const results = await pool(cases, CONCURRENCY, (c) =>
        withCaseDir(c.id, async (dir) => {
          materializeClassCase(c, dir);
          const ref = await runReference(dir, c.args, { env: c.env, isolate: true });
          const ours = await runLockstep(dir, c.args, { env: c.env, isolate: true });
          return { c, ref, d: differences(ref, ours) };
        }),
      );
      const failures = results
        .filter((r) => r.d.length > 0)
        .map((r) => `${r.c.id} (${JSON.stringify(r.c.args).slice(0, 300)}, env ${JSON.stringify(r.c.env)}):\n  ${r.d.join('\n  ')}`);
      expect(failures).toEqual([]);
      // Each class must reach what it is about, and more than one outcome.
      const statuses = new Set(results.map((r) => r.ref.status));
      expect(statuses.size, `${cls}: exit statuses ${[...statuses].join(', ')}`).toBeGreaterThan(1);
      expect(results.filter((r) => REACHES[cls](r.ref, r.c.args)).length, `${cls}: cases that reach the class`).toBeGreaterThan(LIVE_CLASS_CASES / 4);
    },
    900_000,
  );
});

/** A run of the reference that shows the class at work. */
const REACHES: Record<CaseClass, (ref: ToolRun, args: string[]) => boolean> = {
  argv: (ref) => ref.status === 0 || /^usage: /.test(ref.stderr),
  paths: (ref, args) => args.some((a) => /[\udc80-\udcff]/.test(a)) && (ref.status === 0 || /\\udc/.test(ref.stderr)),
  surrogates: (ref) => /[\udc80-\udcff]/.test(ref.stdout) || /\\ud[89a-f]/.test(ref.stderr) || /UnicodeEncodeError/.test(ref.stderr),
  digits: (ref) => /Exceeds the limit/.test(ref.stderr) || /\d{4300}/.test(ref.stdout),
};

if (!referenceAvailable()) {
  console.warn(`live parity skipped: the reference tool is not at ${REFERENCE} (set LOCKSTEP_REFERENCE to its path); golden cases still ran`);
}
