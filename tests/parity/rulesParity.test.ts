// Parity under rules. Rules the reference can hold in its constants: the
// reference patched in SKIP_PAYLOAD_FIELDS_BY_KIND and ALLOCATOR_RETURN_FNS
// only (built from the same rules file) prints what `lockstep diff --rules`
// prints, byte for byte, apart from the one line naming the rules, and exits
// alike. Rules it cannot hold (nested paths, ignored kinds, numbered and
// paired fields): an independent Python implementation (rules_oracle.py)
// finds the same first divergence in every pair (the summary table).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { rulesDifferences, rulesFingerprint } from '../../src/main/rules/ruleSet';
import { REFERENCE_RULES } from '../../src/main/rules/referenceRules';
import { lockstepOnlyCase, materializeRulesCase, patchedReference, referenceExpressibleCase, type RulesCase } from './rulesCases';
import { differences, pool, REFERENCE, referenceAvailable, runLockstep, runReference, type ToolRun } from './runTools';

const CASES = Number(process.env.LOCKSTEP_RULES_PARITY_CASES ?? 40);
const CONCURRENCY = 3;

function withDir<T>(id: string, f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `rules-${id}-`));
  return f(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** The one line the report gains under rules that differ from the reference's, as the summary ends. */
function expectedRulesLine(c: RulesCase): string | null {
  const d = rulesDifferences(c.rules, REFERENCE_RULES);
  return d.length ? `**Rules** (fingerprint ${rulesFingerprint(c.rules)}) differ from the reference's: ${d.map((x) => `\`${x}\``).join('; ')}.` : null;
}

/** Lockstep's report with the rules line taken out, checked to be exactly one line, right after the summary table. */
function withoutRulesLine(text: string | null, line: string | null): { text: string | null; problem: string | null } {
  if (text === null || text === '' || line === null) return { text, problem: null };
  const lines = text.split('\n');
  const at = lines.indexOf(line);
  if (at < 0) return { text, problem: `the report does not name the rules: ${line}` };
  if (lines.lastIndexOf(line) !== at) return { text, problem: 'the rules line is there twice' };
  if (lines[at - 1] !== '' || !/^\|.*\|$/.test(lines[at - 2] ?? '')) return { text, problem: 'the rules line is not right after the summary table' };
  lines.splice(at, 1);
  return { text: lines.join('\n'), problem: null };
}

function summaryRows(stdout: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.indexOf('|---|---|---|---|---|---|');
  if (start < 0) return [];
  const rows: string[] = [];
  for (let i = start + 1; i < lines.length && lines[i]!.startsWith('| '); i++) rows.push(lines[i]!);
  return rows;
}

describe.skipIf(!referenceAvailable())(`rules: parity with ${REFERENCE} patched in its rule constants`, () => {
  it(`${CASES} generated cases: the same bytes but for one line naming the rules, the same exit status`, async () => {
    const source = readFileSync(REFERENCE, 'utf8');
    const results = await pool(
      Array.from({ length: CASES }, (_, n) => referenceExpressibleCase(n)),
      CONCURRENCY,
      (c) =>
        withDir(c.id, async (dir) => {
          materializeRulesCase(c, dir);
          const patched = join(dir, 'diff_events_patched.py');
          writeFileSync(patched, patchedReference(source, c.rules));
          const refArgs = ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl', ...c.args.filter((a, i) => !isRuleArg(c.args, i))];
          const ref = await runReference(dir, refArgs, { script: patched });
          const ours = await runLockstep(dir, ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl', ...c.args]);
          const line = expectedRulesLine(c);
          const stdout = withoutRulesLine(ours.stdout, line);
          const out = withoutRulesLine(ours.outFile, line);
          const stripped: ToolRun = { ...ours, stdout: stdout.text ?? '', outFile: out.text };
          const d = [
            ...differences(ref, stripped),
            ...[stdout.problem, out.problem].filter((p): p is string => p !== null && (line === null || ref.status !== 2)),
          ];
          return { c, ref, d, named: line !== null };
        }),
    );
    const failures = results.filter((r) => r.d.length > 0).map((r) => `${r.c.id} (${r.c.args.join(' ')}):\n  ${r.d.join('\n  ')}\n--- rules\n${r.c.file}`);
    expect(failures).toEqual([]);
    // The cases exercise what they should: rules that differ, and divergences found under them.
    expect(results.filter((r) => r.named).length).toBeGreaterThan(CASES / 2);
    expect(results.filter((r) => r.ref.stdout.includes('First divergence') || (r.ref.outFile ?? '').includes('First divergence')).length).toBeGreaterThan(
      CASES / 4,
    );
  }, 900_000);
});

/** The rule options, which the patched reference holds in its constants instead. */
function isRuleArg(args: string[], i: number): boolean {
  const opt = (k: number): boolean => ['--rules', '--skip-field', '--allocator', '--ignore-kind'].includes(args[k]!);
  return opt(i) || (i > 0 && opt(i - 1));
}

describe.skipIf(!referenceAvailable())('rules the reference cannot hold: an independent implementation agrees', () => {
  it(`${CASES} generated cases: the same summary (first divergence of every pair) and exit status`, async () => {
    const results = await pool(
      Array.from({ length: CASES }, (_, n) => lockstepOnlyCase(n)),
      CONCURRENCY,
      (c) =>
        withDir(c.id, async (dir) => {
          materializeRulesCase(c, dir);
          const input = join(dir, 'oracle-input.json');
          writeFileSync(
            input,
            JSON.stringify({
              canary: join(dir, 'canary.jsonl'),
              ours: join(dir, 'ours.jsonl'),
              tidMap: c.tidMap,
              canonicalize: c.canonicalize,
              rules: {
                skip: c.rules.skip.map((s) => [s.kind, s.path]),
                allocators: c.rules.allocators,
                allocatorPairing: c.rules.allocatorPairing,
                canonicalize: c.rules.canonicalize.map((x) => [x.kind, x.path, x.pairing]),
                ignoreKinds: c.rules.ignoreKinds,
              },
            }),
          );
          const py = spawnSync('python3', [join(__dirname, 'rules_oracle.py'), REFERENCE, input], { encoding: 'utf8', maxBuffer: 1 << 26 });
          if (py.status !== 0) return { c, d: [`the oracle failed: ${py.stderr}`], diverged: false };
          const oracle = JSON.parse(py.stdout) as { status: number; rows: string[] | null };
          const args = c.args.filter((a, i) => a !== '--validate-identical' && !(a === '--out' || c.args[i - 1] === '--out'));
          const ours = await runLockstep(dir, ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl', ...args]);
          const d: string[] = [];
          if (ours.status !== oracle.status) d.push(`exit status: oracle ${oracle.status}, lockstep ${ours.status}: ${ours.stderr.trim()}`);
          else if (oracle.rows && JSON.stringify(summaryRows(ours.stdout)) !== JSON.stringify(oracle.rows)) {
            d.push(`summary differs:\n--- oracle\n${oracle.rows.join('\n')}\n--- lockstep\n${summaryRows(ours.stdout).join('\n')}`);
          }
          return { c, d, diverged: (oracle.rows ?? []).some((row) => !row.endsWith('| — |')) };
        }),
    );
    const failures = results.filter((r) => r.d.length > 0).map((r) => `${r.c.id} (${r.c.args.join(' ')}):\n  ${r.d.join('\n  ')}\n--- rules\n${r.c.file}`);
    expect(failures).toEqual([]);
    expect(results.filter((r) => r.diverged).length).toBeGreaterThan(CASES / 4);
  }, 900_000);
});

if (!referenceAvailable()) console.warn(`rules parity skipped: the reference tool is not at ${REFERENCE}`);
