// Hostile input, against the reference: where it accepts a log, Lockstep
// prints the same bytes and exits alike; where it stops (a message or a
// traceback), Lockstep exits alike with one line naming the file — never a
// stack trace, a hang, or an index left half-written. And a fuzz of random
// small logs, with a fixed seed.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { casePath, differences, pool, referenceAvailable, REFERENCE, runLockstep, runReference } from '../parity/runTools';
import { ENVS, RAW_NAMES, SURROGATE_STRINGS } from '../parity/classCases';
import { DASH_VALUES } from '../support/argv';
import { hostileCases, writeCase } from './corpus';

const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile input corpus', () => {
  const cases = hostileCases();

  it('never prints a stack trace, never hangs, never leaves a half-written index', async () => {
    const results = await pool(cases, 3, async (c) => {
      const d = join(dir, `own-${c.name}`);
      const args = [...writeCase(c, d), '--db', 'index.sqlite'];
      const r = await runLockstep(d, args);
      const problems: string[] = [];
      if (r.status !== 0 && r.status !== 1 && r.status !== 2) problems.push(`exit status ${r.status}`);
      if (/\n\s+at |Traceback|internal error/.test(r.stderr)) problems.push(`stack trace or internal error: ${r.stderr}`);
      if (
        r.status === 1 &&
        r.stderr
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('warn: ')).length !== 1
      )
        problems.push(`more than one line: ${r.stderr}`);
      if (readdirSync(d).includes('index.sqlite')) {
        const db = new Database(join(d, 'index.sqlite'), { readonly: true });
        const partial = (db.prepare("SELECT count(*) AS n FROM logs WHERE state != 'complete'").get() as { n: number }).n;
        db.close();
        if (partial) problems.push('an ingest was left half-written');
      }
      return problems.length ? `${c.name}: ${problems.join('; ')}` : null;
    });
    expect(results.filter((x) => x !== null)).toEqual([]);
  }, 300_000);

  it.skipIf(!referenceAvailable())(
    `matches ${REFERENCE} on every case: same bytes where it accepts, same exit where it stops`,
    async () => {
      const results = await pool(cases, 3, async (c) => {
        const d = join(dir, `ref-${c.name}`);
        const args = writeCase(c, d);
        const ref = await runReference(d, args);
        const ours = await runLockstep(d, args);
        const diff = differences(ref, ours);
        return diff.length ? `${c.name} (${c.about}): ${diff.join('; ')}` : null;
      });
      expect(results.filter((x) => x !== null)).toEqual([]);
    },
    300_000,
  );
});

// Random small logs, built from pieces that stress the parser and the diff.
const value = fc.oneof(
  fc.constantFrom('0', '1', '1.0', 'true', 'false', 'null', '-0', '1e16', '10000000000000000', '9007199254740993', 'NaN', 'Infinity', '[NaN]', '2.50'),
  fc.constantFrom('"a"', '"é"', '"\\u00e9"', '"\\ud800"', '"it\'s"', '"say \\"hi\\""', '{}', '[]', '{"x": 1, "y": [1, 2]}', '{"y": [1, 2], "x": 1}'),
  fc.integer({ min: -5, max: 5 }).map(String),
);
const kind = fc.constantFrom('kernel.call', 'kernel.return', 'handle.create', 'wait.end', 'import.call', 'thread.exit');
const name = fc.constantFrom('"KeInit"', '"RtlAllocateHeap"', '"NtClose"', 'null', '""', '5');
const payload = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(name, value, value, fc.boolean())
      .map(([n, a, b, st]) => `{"name": ${n}, "return_value": ${a}, "x": ${b}${st ? ', "status": "0x0"' : ''}}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('null', '[]', '{}', '"str"') },
);
const line = (tidName: string) =>
  fc.tuple(fc.constantFrom(1, 2, 3), kind, payload, fc.constantFrom('', '', '', ', "host_ns": 1', ', "kind": "dup"')).map(([t, k, p, extra]) => ({
    t,
    text: (idx: number) => `{"tid": ${tidName === 'canary' ? t + 5 : t}, "tid_event_idx": ${idx}, "kind": "${k}", "payload": ${p}${extra}}`,
  }));
const log = (side: string) =>
  fc.array(line(side), { minLength: 0, maxLength: 14 }).map((ls) => {
    const idx = new Map<number, number>();
    const out = ['{"kind": "schema_version", "schema_version": 1}'];
    for (const l of ls) {
      const i = idx.get(l.t) ?? 0;
      idx.set(l.t, i + 1);
      out.push(l.text(i));
    }
    return out.join('\n') + '\n';
  });

describe.skipIf(!referenceAvailable())('fuzz: random small logs against the reference', () => {
  it('prints what the reference prints and exits alike (fixed seed, bounded cases)', async () => {
    const samples = fc.sample(
      fc.tuple(log('canary'), log('ours'), fc.constantFrom<string[]>([], ['--no-canonicalize-allocators'], ['--tid-map', '6=1,7=2,8=3'])),
      {
        seed: 20261127,
        numRuns: Number(process.env.LOCKSTEP_FUZZ_CASES ?? 150),
      },
    );
    const failures = await pool(samples, 4, async ([c, o, extra]) => {
      const d = mkdtempSync(join(dir, 'fuzz-'));
      const args = writeCase({ name: 'fuzz', about: '', canary: c, ours: o, args: extra }, d);
      const ref = await runReference(d, args);
      const ours = await runLockstep(d, args);
      const diff = differences(ref, ours);
      return diff.length ? `${d}: ${diff.join('; ')}` : null;
    });
    expect(failures.filter((x) => x !== null)).toEqual([]);
  }, 600_000);
});

// The classes of issue 12 in the same random logs: lone surrogates in names, kinds and
// string tids under python3's stdout handlers; file names that are not UTF-8; argparse's
// corners mixed into the command line; --tid-map ints past Python's 4300-digit limit.
const oddString = fc.constantFrom(...SURROGATE_STRINGS);
const classValue = fc.oneof(value, oddString);
const classPayload = fc
  .tuple(fc.oneof(name, oddString), classValue, fc.oneof(fc.constant('"x"'), oddString))
  .map(([n, a, k]) => `{"name": ${n}, "return_value": ${a}, ${k}: 1}`);
const tidSets = {
  canary: ['6', '7', '8'],
  ours: ['1', '2', '3'],
  canaryStrings: ['"\\udcff"', '"\\udcfe"', '"\\ud800"'],
  oursStrings: ['"\\udcff"', '"a\\udc80"', '"\\udc00"'],
};
const classLog = (tids: string[]) =>
  fc
    .array(
      fc.tuple(
        fc.constantFrom(0, 1, 2),
        fc.oneof(
          kind.map((k) => `"${k}"`),
          oddString,
        ),
        classPayload,
      ),
      { minLength: 0, maxLength: 12 },
    )
    .map((ls) => {
      const idx = new Map<number, number>();
      const out = ['{"kind": "schema_version", "schema_version": 1}'];
      for (const [t, k, p] of ls) {
        const i = idx.get(t) ?? 0;
        idx.set(t, i + 1);
        out.push(`{"tid": ${tids[t]}, "tid_event_idx": ${i}, "kind": ${k}, "payload": ${p}}`);
      }
      return out.join('\n') + '\n';
    });
const hugeInt = fc.constantFrom(`0x${'f'.repeat(3572)}`, `0x${'f'.repeat(3571)}`, `-0o${'7'.repeat(4763)}`, `0b1${'0'.repeat(14285)}`, `1${'0'.repeat(4300)}`);
const classArgs = fc.tuple(
  fc.constantFrom<string[]>([], ['--validate-identical'], ['--no-canonicalize-allocators'], ['--out', 'r.md'], ['--out', 'r\udcff.md']),
  fc.option(
    fc.tuple(hugeInt, fc.constantFrom('6', '7', '1', '9')).map(([h, t]) => (t === '1' ? `${h}=1` : `${t}=${h}`)),
    { nil: null },
  ),
  fc.array(fc.constantFrom('-h', '--bogus', '-hx', '--o', '--ou=x', '--no', '--vali', '--', 'x', '', ...DASH_VALUES), { maxLength: 2 }),
  fc.nat(),
);

describe.skipIf(!referenceAvailable())('fuzz: the classes of issue 12 against the reference', () => {
  it('prints what the reference prints, writes what it writes, and exits alike (fixed seed, bounded cases)', async () => {
    const samples = fc.sample(
      fc.tuple(
        fc
          .boolean()
          .chain((strings) => fc.tuple(classLog(strings ? tidSets.canaryStrings : tidSets.canary), classLog(strings ? tidSets.oursStrings : tidSets.ours))),
        fc.constantFrom('canary.jsonl', ...RAW_NAMES),
        fc.constantFrom(...ENVS),
        classArgs,
      ),
      { seed: 20261204, numRuns: Number(process.env.LOCKSTEP_FUZZ_CASES ?? 80) },
    );
    const failures = await pool(samples, 4, async ([[c, o], canaryName, env, [extra, tidMap, noise, at]]) => {
      const d = mkdtempSync(join(dir, 'class-fuzz-'));
      writeFileSync(casePath(d, canaryName), c);
      writeFileSync(casePath(d, 'ours.jsonl'), o);
      const args = ['--canary', canaryName, '--ours', 'ours.jsonl', ...extra, ...(tidMap === null ? [] : [`--tid-map=${tidMap}`])];
      args.splice(at % (args.length + 1), 0, ...noise);
      const ref = await runReference(d, args, { env, isolate: true });
      const ours = await runLockstep(d, args, { env, isolate: true });
      const diff = differences(ref, ours);
      return diff.length ? `${d} ${JSON.stringify(args).slice(0, 300)} env ${JSON.stringify(env)}: ${diff.join('; ')}` : null;
    });
    expect(failures.filter((x) => x !== null)).toEqual([]);
  }, 900_000);
});
