// Golden files: the reference's own output for the first cases of the suite,
// recorded by scripts/update-golden.ts (which runs the reference; nothing here
// is written by hand or from Lockstep's output), so that a clone without the
// reference still checks parity.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolRun } from './runTools';

export const GOLDEN_DIR = join(__dirname, 'golden');
export const GOLDEN_CASES = 48;
/** Golden cases of each class of issue 12 (classCases.ts): the first ones of each. */
export const GOLDEN_CLASS_CASES = 12;

export interface Golden extends ToolRun {
  id: string;
  /** Digest of the generated inputs and arguments the output belongs to. */
  digest: string;
  args: string[];
}

export function goldenPath(id: string): string {
  return join(GOLDEN_DIR, `${id}.json`);
}

export function readGoldens(): Golden[] {
  if (!existsSync(GOLDEN_DIR)) return [];
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(GOLDEN_DIR, f), 'utf8')) as Golden);
}
