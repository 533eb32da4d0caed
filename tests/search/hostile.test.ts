// The search index on the hostile-input corpus (tests/hostile/corpus.ts):
// every log the reference accepts (CRLF and lone CR, a 10 MB line, nesting
// 900 deep, NaN and Infinity, repeated keys, odd tids, lone surrogates, big
// integers) is searched as an independent python3 scan finds, event for event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IndexedLog } from '../../src/main/diff/indexedLog';
import { ingestLog } from '../../src/main/ingest/ingestLog';
import { LogInputError } from '../../src/main/ingest/logErrors';
import { compileQuery } from '../../src/main/search/compiledQuery';
import { ensureSearchIndex } from '../../src/main/search/searchIndexJob';
import { searchThread } from '../../src/main/search/threadSearch';
import { openDb } from '../../src/main/store/db';
import { parseQuery, type QueryTerm } from '../../src/shared/searchQuery';
import { hostileCases, writeCase } from '../hostile/corpus';
import { pythonMatchesOfLogs } from './oracleScan';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-search-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const QUERIES = [
  'kind:kernel.call',
  'name:NtClose',
  'payload.return_value=3',
  'payload.return_value!=1',
  'payload.ord=1.0',
  'payload.name=""',
  'kind=null',
  'tid_event_idx=2',
  'nan',
  'infinity',
  'x',
  '"tid": 6',
  '/./',
  '/\\d{5,}/',
  'payload.blob[*]=1',
  'udc00',
];

describe('the search index on the hostile corpus', () => {
  it('finds in every log the reference accepts what a python3 scan finds', async () => {
    const db = openDb(join(dir, 'index.sqlite'));
    const searched: { path: string; name: string; log: IndexedLog }[] = [];
    for (const c of hostileCases()) {
      if (c.special) continue;
      const caseDir = join(dir, c.name);
      writeCase(c, caseDir);
      for (const side of ['canary.jsonl', 'ours.jsonl']) {
        const path = join(caseDir, side);
        let row;
        try {
          row = ingestLog(db, path, path).log;
        } catch (e) {
          if (e instanceof LogInputError) continue; // refused as the reference refuses it
          throw e;
        }
        await ensureSearchIndex(db, ':memory:', row, path, path);
        searched.push({ path, name: `${c.name}/${side}`, log: new IndexedLog(db, row, path) });
      }
    }
    expect(searched.length).toBeGreaterThan(20);
    const parsed = QUERIES.map((q) => {
      const p = parseQuery(q);
      if (!p.ok) throw new Error(p.message);
      return p.terms as QueryTerm[];
    });
    const want = pythonMatchesOfLogs(
      searched.map((s) => s.path),
      parsed,
    ); // one python3 for every log
    searched.forEach(({ name, log }, li) => {
      QUERIES.forEach((q, k) => {
        log.threads.forEach((t, ti) => {
          const m = searchThread(log, t.threadNo, compileQuery(q), { at: Date.now() + 1e9 });
          expect({ name, q, thread: ti, positions: Array.from(m.positions), complete: m.complete }).toEqual({
            name,
            q,
            thread: ti,
            positions: want[li]![k]![ti],
            complete: true,
          });
        });
      });
    });
    db.close();
  }, 300_000);
});
