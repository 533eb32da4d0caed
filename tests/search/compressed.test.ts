// The search index of compressed logs (docs/compressed-logs.md): the index's
// offsets are in the decompressed bytes, so the build reads the decompressed
// copy beside the index, not the .gz/.zst file. Its matches are an
// independent python3 scan's of the plain log, event for event; a copy that
// was cleared is refused in one line naming the log.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { IndexedLog } from '../../src/main/diff/indexedLog';
import { generatePair } from '../../src/main/generator/generateLogs';
import { ingestLog } from '../../src/main/ingest/ingestLog';
import { LogChangedError } from '../../src/main/ingest/logErrors';
import { compileQuery } from '../../src/main/search/compiledQuery';
import { ensureSearchIndex } from '../../src/main/search/searchIndexJob';
import { searchThread } from '../../src/main/search/threadSearch';
import { openDb } from '../../src/main/store/db';
import { removeReadBackCopy } from '../../src/main/store/readBackCopies';
import { parseQuery, type QueryTerm } from '../../src/shared/searchQuery';
import { pythonMatchesOfLogs } from './oracleScan';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-search-compressed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const haveZstd = spawnSync('zstd', ['--version']).status === 0;

const QUERIES = [
  'kind:kernel.return',
  'name:NtCreateFile kind:kernel.return payload.status!=0',
  'payload.status=0xC0000034',
  'NtRead',
  '/Nt(Read|Write)File/',
  'payload.return_value=0',
];

describe('the search index of compressed logs', () => {
  it.skipIf(!haveZstd)(
    'finds in a gzip and a zstd log what a python3 scan finds in the plain log',
    async () => {
      const canary = join(dir, 'c.jsonl');
      const ours = join(dir, 'o.jsonl');
      generatePair(canary, ours, { seed: 'search-compressed', eventsPerThread: 1500, threads: 3, profile: 'realistic', divergences: 2 });
      writeFileSync(`${canary}.gz`, gzipSync(readFileSync(canary)));
      expect(spawnSync('zstd', ['-q', '-f', ours, '-o', `${ours}.zst`]).status).toBe(0);
      const dbPath = join(dir, 'index.sqlite');
      const db = openDb(dbPath);
      const logs: IndexedLog[] = [];
      for (const path of [`${canary}.gz`, `${ours}.zst`]) {
        const row = ingestLog(db, path, path).log;
        expect(row.compression).not.toBeNull();
        // The gzip log built in a worker when the build is there (it opens the index by its path), the zstd one here.
        await ensureSearchIndex(db, path.endsWith('.gz') ? dbPath : ':memory:', row, path, path);
        logs.push(new IndexedLog(db, row, path));
      }
      const parsed = QUERIES.map((q) => {
        const p = parseQuery(q);
        if (!p.ok) throw new Error(p.message);
        return p.terms as QueryTerm[];
      });
      const want = pythonMatchesOfLogs([canary, ours], parsed);
      let found = 0;
      logs.forEach((log, li) => {
        QUERIES.forEach((q, k) => {
          log.threads.forEach((t, ti) => {
            const m = searchThread(log, t.threadNo, compileQuery(q), { at: Date.now() + 1e9 });
            found += m.positions.length;
            expect({ li, q, ti, positions: Array.from(m.positions), complete: m.complete }).toEqual({
              li,
              q,
              ti,
              positions: want[li]![k]![ti],
              complete: true,
            });
          });
        });
      });
      expect(found).toBeGreaterThan(100); // the queries find something to compare
      for (const l of logs) l.close();
      db.close();
    },
    120_000,
  );

  it('refuses, in one line naming the log, a compressed log whose decompressed copy was cleared', async () => {
    const canary = join(dir, 'cleared-c.jsonl');
    generatePair(canary, join(dir, 'cleared-o.jsonl'), { seed: 'search-cleared', eventsPerThread: 300, threads: 1, profile: 'realistic', divergences: 0 });
    const gz = `${canary}.gz`;
    writeFileSync(gz, gzipSync(readFileSync(canary)));
    const db = openDb(join(dir, 'cleared.sqlite'));
    const row = ingestLog(db, gz, gz).log;
    removeReadBackCopy(db, row.logId);
    const err = await ensureSearchIndex(db, ':memory:', row, gz, gz).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LogChangedError);
    expect((err as Error).message).toContain(gz);
    expect((err as Error).message).toMatch(/decompressed copy/);
    expect((err as Error).message).not.toContain('\n');
    db.close();
  });
});
