// What a rule change reads of a log's index, read in a worker
// (fieldsLoader.ts): the streams derived from what the worker read are the
// ones derived from what this thread reads, block for block, under rules that
// skip, ignore a kind and pair values; a worker that cannot read leaves the
// reading (and its error) to this thread.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePair, plannedEdits } from '../generator/generateLogs';
import { ingestLog } from '../ingest/ingestLog';
import { parseRules } from '../rules/rulesFile';
import { IndexDamagedError, openDb, type Db } from '../store/db';
import { BLOCK_SIZE, effectiveKeys, FLAG_FORCE_EXACT, FLAG_IDX_INEXACT, KEY_WORDS } from '../store/eventBlock';
import { readBlock } from '../store/logIndex';
import { comparisonOf, referenceComparison } from './comparison';
import { loadFieldData } from './fieldsLoader';
import { IndexedLog } from './indexedLog';
import { fieldDataKept, readBaseColumns, RuledLog } from './ruledLog';

const ROOT = resolve(__dirname, '../../..');
const built = existsSync(join(ROOT, 'out/main/fieldsWorker.js'));
const dir = mkdtempSync(join(tmpdir(), 'fields-loader-'));
const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
const dbPath = join(dir, 'index.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const shape = { seed: 'fields-loader', eventsPerThread: 2500, threads: 3, profile: 'realistic' as const };
  generatePair(canary, ours, { ...shape, divergences: 1, edits: plannedEdits(shape, 4) });
  const db = openDb(dbPath);
  ingestLog(db, canary, canary);
  ingestLog(db, ours, ours);
  db.close();
});

const RULES = parseRules(
  ['skip kernel.call payload.args_resolved.handle', 'skip * payload.lockstep_changed', 'ignore-kind wait.begin', 'allocators pair'].join('\n'),
  'test rules',
);

function openLog(db: Db, path: string): IndexedLog {
  return new IndexedLog(db, ingestLog(db, path, path).log, path);
}

describe.skipIf(!built)('the index read for a rule change in a worker', () => {
  it('keeps with the log what derives the same streams as reading it in this thread', async () => {
    const db = openDb(dbPath);
    try {
      for (const canonicalize of [true, false]) {
        const cmp = comparisonOf(canonicalize, RULES);
        for (const [path, derive] of [
          [canary, false],
          [ours, false],
          [canary, true],
          [ours, true],
        ] as const) {
          const loaded = openLog(db, path);
          const heard: number[] = [];
          await loadFieldData(loaded, derive ? cmp : referenceComparison(canonicalize), dbPath, { threshold: 0, onThread: (n) => heard.push(n) });
          // Each thread heard as it is handed over: the progress of the read.
          expect(heard).toEqual(loaded.threads.map((t) => t.eventCount));
          // Everything was kept from the worker: this thread read nothing yet (nor derived, when the worker was given the rules).
          expect(fieldDataKept(loaded, canonicalize)).toBe(true);
          expect(loaded.threads.every((t) => new RuledLog(loaded, cmp).isDerived(t.threadNo))).toBe(derive);
          const byWorker = new RuledLog(loaded, cmp);
          const here = new RuledLog(openLog(db, path), cmp);
          expect(byWorker.threads.map((t) => t.eventCount)).toEqual(here.threads.map((t) => t.eventCount));
          for (const t of here.threads) {
            const a = here.derived(t.threadNo)!;
            const b = byWorker.derived(t.threadNo)!;
            expect(b.length).toBe(a.length);
            expect(b.changed).toEqual(a.changed);
            expect(b.changedKeys).toEqual(a.changedKeys);
            expect(b.sentinels).toEqual(a.sentinels);
            for (let k = 0; k * BLOCK_SIZE < t.eventCount; k++) expect(byWorker.streamBlock(t.threadNo, k)).toEqual(here.streamBlock(t.threadNo, k));
          }
        }
      }
    } finally {
      db.close();
    }
  });

  it("reads a thread's key columns as the blocks decode them (keys as the comparison takes them, flags it reads, tid_event_idx)", () => {
    const db = openDb(dbPath);
    try {
      const log = openLog(db, ours);
      for (const canonicalize of [true, false]) {
        for (const t of log.threads) {
          const cols = readBaseColumns(db, log.log.logId, t.threadNo, t.eventCount, canonicalize);
          for (let k = 0; k * BLOCK_SIZE < t.eventCount; k++) {
            const b = readBlock(db, log.log.logId, t.threadNo, k);
            const at = k * BLOCK_SIZE;
            expect(cols.keys.subarray(KEY_WORDS * at, KEY_WORDS * (at + b.count))).toEqual(effectiveKeys(b, canonicalize).subarray(0, KEY_WORDS * b.count));
            expect(Array.from(cols.idx.subarray(at, at + b.count))).toEqual(Array.from(b.idx.subarray(0, b.count)));
            expect(Array.from(cols.flags.subarray(at, at + b.count))).toEqual(
              Array.from(b.flags.subarray(0, b.count), (f) => f & (FLAG_FORCE_EXACT | FLAG_IDX_INEXACT)),
            );
          }
        }
      }
    } finally {
      db.close();
    }
  });

  it('leaves a damaged index to this thread, which reports it', async () => {
    const copy = join(dir, 'damaged.sqlite');
    const db = openDb(copy);
    try {
      const log = openLog(db, ours);
      // A field block whose checksum no longer matches its bytes.
      db.prepare('UPDATE field_blocks SET data = zeroblob(length(data)) WHERE log_id = ? AND block_no = 1').run(log.log.logId);
      await loadFieldData(log, comparisonOf(true, RULES), copy, { threshold: 0 });
      expect(fieldDataKept(log, true)).toBe(false);
      const ruled = new RuledLog(log, comparisonOf(true, RULES));
      expect(() => ruled.derived(log.threads[0]!.threadNo)).toThrow(IndexDamagedError);
    } finally {
      db.close();
    }
  });
});
