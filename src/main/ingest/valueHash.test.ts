import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../generator/prng';
import { generatePair } from '../generator/generateLogs';
import { pyJsonLoads } from '../py/parse';
import { pyEq, type PyValue } from '../py/value';
import { openDb } from '../store/db';
import { decodeBlock } from '../store/eventBlock';
import { setHashSecret } from '../store/logWriter';
import { ingestLog } from './ingestLog';
import { hashPyValue } from './valueHash';

const dir = mkdtempSync(join(tmpdir(), 'valuehash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// JSON texts with the values that make equality tricky.
const scalar = fc.oneof(
  fc.constantFrom('1', '1.0', 'true', '0', '0.0', '-0', '-0.0', 'false', 'null', '1e16', '10000000000000000', '2.5', '2.50', '25e-1'),
  fc.constantFrom(
    '9007199254740991',
    '9007199254740992',
    '9007199254740993',
    '-9007199254740993',
    '9007199254740992.0',
    '18446744073709551615',
    '1e300',
    '1E400',
    '1.5',
    '0.1',
  ),
  fc.constantFrom('NaN', 'Infinity', '-Infinity'),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"a"', '"é"', '"\\u00e9"', '"😀"', '"\\ud83d\\ude00"', '"\\ud800"', '"tab\\there"', '"\\/"', '"abcdefghi"'),
);
const json = fc.letrec<{ value: string; list: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('object')),
  list: fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
  object: fc
    .array(fc.tuple(fc.constantFrom('a', 'b', '10', '2', 'é', '', 'a\\u0062', 'size'), tie('value')), { maxLength: 4 })
    .map((kvs) => `{${kvs.map(([k, v]) => `"${k}": ${v}`).join(',')}}`),
})).value;

describe('value hash', () => {
  it('hashes Python-equal values alike and tells apart values Python tells apart', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const va = pyJsonLoads(a);
        const vb = pyJsonLoads(b);
        const same = hashPyValue(va).join() === hashPyValue(vb).join();
        expect(same).toBe(pyEq(va, vb, true)); // nested: json's NaN is one object, so NaN == NaN inside a payload value
      }),
      { seed: 7, numRuns: 5000 },
    );
  });

  it('treats the classic look-alikes as Python does', () => {
    const h = (t: string): string => hashPyValue(pyJsonLoads(t)).join();
    const cases: [string, string, boolean][] = [
      ['1', '1.0', true],
      ['1', 'true', true],
      ['0', 'false', true],
      ['1e16', '10000000000000000', true],
      ['2.5', '2.50', true],
      ['9007199254740993', '9007199254740992', false],
      ['9007199254740993', '9007199254740992.0', false],
      ['{"a":1,"b":2}', '{"b":2,"a":1}', true],
      ['[1,2]', '[2,1]', false],
      ['[[1],[]]', '[[],[1]]', false],
      ['"1"', '1', false],
      ['"abcd"', '"abcd\\u0000"', false],
      ['null', 'false', false],
      ['{}', '[]', false],
    ];
    for (const [a, b, eq] of cases) {
      expect(pyEq(pyJsonLoads(a) as PyValue, pyJsonLoads(b) as PyValue), `${a} == ${b}`).toBe(eq);
      expect(h(a) === h(b), `hash(${a}) == hash(${b})`).toBe(eq);
    }
  });
});

/** Every block of a log indexed twice: once with the fast scanner, once with the exact parser only. */
function indexBothWays(path: string): { fast: Buffer[]; exact: Buffer[] } {
  const out = { fast: [] as Buffer[], exact: [] as Buffer[] };
  const secret = randomBytes(16);
  for (const mode of ['fast', 'exact'] as const) {
    const db = openDb(join(dir, `${mode}-${Math.random()}.sqlite`));
    setHashSecret(db, secret); // two indexes compare key by key only under one secret
    const { log } = ingestLog(db, path, 'log', { exactOnly: mode === 'exact' });
    out[mode] = (db.prepare('SELECT data FROM blocks WHERE log_id = ? ORDER BY thread_no, block_no').all(log.logId) as { data: Buffer }[]).map((r) => r.data);
    db.close();
  }
  return out;
}

describe('the fast scanner and the exact parser index a log identically', () => {
  it('on random payloads (every tricky value, both key orders, repeated keys, nesting, escapes)', () => {
    const rng = new Rng('scanner-vs-exact');
    const sample = fc.sample(json, { seed: 11, numRuns: 4000 });
    const kinds = ['kernel.call', 'kernel.return', 'handle.create', 'handle.destroy', 'wait.end', 'wait.begin', 'custom'];
    const lines = ['{"kind": "schema_version", "schema_version": 1}'];
    const idx = new Map<number, number>();
    sample.forEach((value) => {
      const tid = rng.int(1, 5);
      const n = idx.get(tid) ?? 0;
      idx.set(tid, n + 1);
      const kind = rng.pick(kinds);
      const fields = [
        `"name": ${rng.pick(['"RtlAllocateHeap"', '"NtClose"', 'null', '""'])}`,
        `"args_resolved": ${value}`,
        `"return_value": ${rng.pick(['0', '3221225472', 'null', value])}`,
        `"raw_handle_id": ${rng.int(0, 9)}`,
        `"wait_duration_cycles": ${rng.int(0, 9)}`,
        `"status": ${rng.pick(['"0x0"', 'null'])}`,
        `"extra": ${rng.pick(['null', '1', value])}`,
      ];
      const payload = rng.chance(0.05) ? '' : `, "payload": {${rng.shuffle(fields).slice(0, rng.int(0, 7)).join(', ')}}`;
      lines.push(`{"engine": "x", "tid": ${tid}, "tid_event_idx": ${n}, "kind": "${kind}"${payload}, "host_ns": ${value}}`);
    });
    const path = join(dir, 'random.jsonl');
    writeFileSync(path, lines.join('\n') + '\n');
    const { fast, exact } = indexBothWays(path);
    const events = fast.map((b) => decodeBlock(b)).reduce((n, b) => n + b.count, 0);
    expect(events).toBe(sample.length);
    expect(fast).toEqual(exact);
  });

  it('on generated hostile logs', () => {
    for (const seed of ['h1', 'h2', 'h3']) {
      const c = join(dir, `${seed}-c.jsonl`);
      const o = join(dir, `${seed}-o.jsonl`);
      generatePair(c, o, { seed, eventsPerThread: 400, threads: 5, profile: 'hostile', divergences: 3 });
      for (const p of [c, o]) {
        const { fast, exact } = indexBothWays(p);
        expect(fast).toEqual(exact);
      }
    }
  });
});
