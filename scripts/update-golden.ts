// Regenerate tests/parity/golden/*.json by running the REFERENCE tool on the
// first GOLDEN_CASES parity cases. Run after changing the generator:
//   npx tsx scripts/update-golden.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { materializeCase, parityCase } from '../tests/parity/cases';
import { classCase, CLASSES, materializeClassCase } from '../tests/parity/classCases';
import { GOLDEN_CASES, GOLDEN_CLASS_CASES, GOLDEN_DIR, goldenPath, type Golden } from '../tests/parity/golden';
import { referenceAvailable, REFERENCE, runReference } from '../tests/parity/runTools';

async function main(): Promise<void> {
  if (!referenceAvailable()) throw new Error(`reference not found at ${REFERENCE}`);
  mkdirSync(GOLDEN_DIR, { recursive: true });
  for (let n = 0; n < GOLDEN_CASES; n++) {
    const c = parityCase(n);
    const dir = mkdtempSync(join(tmpdir(), `golden-${c.id}-`));
    try {
      const digest = materializeCase(c, dir);
      const ref = await runReference(dir, c.args);
      const g: Golden = { id: c.id, digest, args: c.args, ...ref };
      writeFileSync(goldenPath(c.id), JSON.stringify(g, null, 1) + '\n');
      process.stdout.write(`${c.id}: exit ${ref.status}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const cls of CLASSES) {
    for (let n = 0; n < GOLDEN_CLASS_CASES; n++) {
      const c = classCase(cls, n);
      const dir = mkdtempSync(join(tmpdir(), `golden-${c.id}-`));
      try {
        const digest = materializeClassCase(c, dir);
        const ref = await runReference(dir, c.args, { env: c.env, isolate: true });
        const g: Golden = { id: c.id, digest, args: c.args, ...ref };
        writeFileSync(goldenPath(c.id), JSON.stringify(g, null, 1) + '\n');
        process.stdout.write(`${c.id}: exit ${ref.status}\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
