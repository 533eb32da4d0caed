// Keys derived from the field index (deriveKeys.ts) against the keys the
// ingest computed from the log itself: under rules that change nothing, the
// derivation must give back exactly the index's key of every event, whether
// the line went through the fast scanner or the exact parser; and a diff
// under such rules must find what the reference's rules find.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePair } from '../generator/generateLogs';
import { ingestLog } from '../ingest/ingestLog';
import { REFERENCE_RULES } from '../rules/referenceRules';
import { parseRules } from '../rules/rulesFile';
import { openDb } from '../store/db';
import { BLOCK_SIZE, effectiveKeys, KEY_WORDS } from '../store/eventBlock';
import { readBlock } from '../store/logIndex';
import { comparisonOf, referenceComparison } from './comparison';
import { CompiledRules, KeyDeriver, LogFields } from './deriveKeys';
import { diffLogs } from './diffLogs';
import { IndexedLog } from './indexedLog';
import { RuledLog } from './ruledLog';

const dir = mkdtempSync(join(tmpdir(), 'derive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A rule that touches every kind and changes no key: every event's key is derived. */
const NO_OP = parseRules('skip * payload.lockstep_no_such_field', 'no-op');

function keysOf(log: IndexedLog, threadNo: number, count: number, canonicalize: boolean): Uint32Array {
  const out = new Uint32Array(KEY_WORDS * count);
  for (let k = 0; k * BLOCK_SIZE < count; k++) {
    const b = readBlock(log.db, log.log.logId, threadNo, k);
    out.set(effectiveKeys(b, canonicalize).subarray(0, KEY_WORDS * b.count), KEY_WORDS * k * BLOCK_SIZE);
  }
  return out;
}

describe('keys derived from the field index', () => {
  for (const [profile, exactOnly] of [
    ['hostile', false],
    ['hostile', true],
    ['realistic', false],
  ] as const) {
    it(`give back the index's own keys when no rule changes anything, allocator returns canonical or raw (${profile}${exactOnly ? ', exact parser only' : ''})`, () => {
      for (let n = 0; n < 4; n++) {
        const base = join(dir, `${profile}-${exactOnly}-${n}`);
        generatePair(`${base}-c.jsonl`, `${base}-o.jsonl`, { seed: `derive-${n}`, eventsPerThread: 700, threads: 4, profile, divergences: 2 });
        const db = openDb(`${base}.sqlite`);
        for (const path of [`${base}-c.jsonl`, `${base}-o.jsonl`]) {
          const log = new IndexedLog(db, ingestLog(db, path, path, { exactOnly }).log, path);
          // Allocator canonicalization on: an allocator return's derived key is the index's canonical one.
          const canonicalize = n % 2 === 1;
          const cmp = comparisonOf(canonicalize, NO_OP);
          expect(cmp.reference).toBe(false);
          // Every event's key derived from the field index, none taken from the index's keys.
          const deriver = new KeyDeriver(new LogFields(db, log.log.logId, log.secret), new CompiledRules(cmp), true);
          let events = 0;
          for (const t of log.threads) {
            const d = deriver.derive(t.threadNo, t.eventCount);
            expect(d.length).toBe(t.eventCount);
            const raw = keysOf(log, t.threadNo, t.eventCount, canonicalize);
            const derived = Array.from(d.changed).flatMap((pos, c) => [pos, ...d.changedKeys.subarray(4 * c, 4 * c + 4)]);
            const indexed = Array.from(d.changed).flatMap((pos) => [pos, ...raw.subarray(4 * pos, 4 * pos + 4)]);
            expect(derived).toEqual(indexed);
            // Every event with an object payload was derived (a payload that is no object is compared exactly).
            expect(d.changed.length).toBeGreaterThan(0.9 * t.eventCount);
            events += d.length;
          }
          expect(events).toBe(log.log.eventCount);
          log.close();
        }
        db.close();
      }
    });
  }

  it('find the divergences the reference rules find, when they change nothing (canonicalization on and off)', () => {
    const base = join(dir, 'same-diff');
    generatePair(`${base}-c.jsonl`, `${base}-o.jsonl`, { seed: 'same-diff', eventsPerThread: 3000, threads: 5, profile: 'hostile', divergences: 5 });
    const db = openDb(`${base}.sqlite`);
    const c = new IndexedLog(db, ingestLog(db, `${base}-c.jsonl`, 'c').log, 'c');
    const o = new IndexedLog(db, ingestLog(db, `${base}-o.jsonl`, 'o').log, 'o');
    for (const canonicalize of [true, false]) {
      const ref = diffLogs(new RuledLog(c, referenceComparison(canonicalize)), new RuledLog(o, referenceComparison(canonicalize)), {});
      const cmp = comparisonOf(canonicalize, NO_OP);
      const ruled = diffLogs(new RuledLog(c, cmp), new RuledLog(o, cmp), {});
      const brief = (r: typeof ref): unknown =>
        r.pairs.map((p) => [p.canaryTid, p.matched, p.divergence?.position ?? null, p.divergence?.difference.description]);
      expect(brief(ruled)).toEqual(brief(ref));
      expect(ref.pairs.some((p) => p.divergence)).toBe(true);
    }
    c.close();
    o.close();
    db.close();
  });

  it('the reference rules written as a file are the reference rules: the index keys and fast paths serve', () => {
    expect(comparisonOf(true, parseRules('base none\n' + 'skip handle.create payload.raw_handle_id\n', 'x')).reference).toBe(false);
    expect(comparisonOf(true, REFERENCE_RULES).reference).toBe(true);
    expect(comparisonOf(true, REFERENCE_RULES).setting).toBe('reference+canonical');
    // Allocator rules change nothing while canonicalization is off.
    expect(comparisonOf(false, parseRules('allocator MyAlloc\nallocators pair', 'x')).reference).toBe(true);
  });
});
