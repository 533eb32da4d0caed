// Ingest in worker threads against ingest in this thread, on a log of many
// short threads: the worker waits for the writer (a bounded number of
// batches in flight), and what lands in the index must be the same blocks.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ROOT } from '../appRoot';
import { generatePair } from '../generator/generateLogs';
import { openDb } from '../store/db';
import { hashSecret } from '../store/logIndex';
import { setHashSecret } from '../store/logWriter';
import { readThreadFeatures } from '../store/threadFeatures';
import { ingestLog } from './ingestLog';
import { ingestPair } from './ingestPair';
import { IngestCancelled } from './logErrors';

const dir = mkdtempSync(join(tmpdir(), 'ingest-pair-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const built = existsSync(join(APP_ROOT, 'out', 'main', 'ingestWorker.js'));

interface BlockRow {
  thread_no: number;
  block_no: number;
  event_count: number;
  sum_canon: string;
  sum_raw: string;
  data: Buffer;
}

describe.skipIf(!built)('ingest in workers', () => {
  const canary = join(dir, 'c.jsonl');
  const ours = join(dir, 'o.jsonl');
  // 400 threads of ~200 events: each side posts far more batches than may be in flight.
  generatePair(canary, ours, { seed: 'many-threads', eventsPerThread: 200, threads: 400, profile: 'realistic', divergences: 3 });

  it('writes the same blocks as the ingest in this thread, for many threads', async () => {
    const wdb = openDb(join(dir, 'workers.sqlite'));
    const tdb = openDb(join(dir, 'thread.sqlite'));
    setHashSecret(tdb, hashSecret(wdb));
    const pair = await ingestPair(wdb, join(dir, 'workers.sqlite'), { path: canary, label: 'c' }, { path: ours, label: 'o' }, { workerThreshold: 0 });
    expect(pair.reused).toEqual({ canary: false, ours: false });
    for (const [path, log] of [
      [canary, pair.canary],
      [ours, pair.ours],
    ] as const) {
      const t = ingestLog(tdb, path, path).log;
      expect(log.threadCount).toBeGreaterThanOrEqual(400);
      expect(log.eventCount).toBe(t.eventCount);
      const q = 'SELECT thread_no, block_no, event_count, sum_canon, sum_raw, data FROM blocks WHERE log_id = ? ORDER BY thread_no, block_no';
      const a = wdb.prepare(q).all(log.logId) as BlockRow[];
      const b = tdb.prepare(q).all(t.logId) as BlockRow[];
      expect(a.length).toBe(b.length);
      const row = (r: BlockRow): string => `${r.thread_no}/${r.block_no}/${r.event_count}/${r.sum_canon}/${r.sum_raw}/${r.data.toString('base64')}`;
      let same = 0;
      for (let i = 0; i < a.length; i++) if (row(a[i]!) === row(b[i]!)) same++;
      expect(same).toBe(b.length);
      // And the same chunk summaries, cut across each thread's blocks.
      const cq = "SELECT thread_no || '/' || block_no || '/' || hex(data) AS r FROM block_chunks WHERE log_id = ? ORDER BY thread_no, block_no";
      const ca = (wdb.prepare(cq).all(log.logId) as { r: string }[]).map((x) => x.r);
      expect(ca.length).toBeGreaterThan(200);
      expect(ca).toEqual((tdb.prepare(cq).all(t.logId) as { r: string }[]).map((x) => x.r));
    }
    wdb.close();
    tdb.close();
  });

  it('a cancel reaches workers that wait for the writer, and leaves nothing behind', async () => {
    const db = openDb(join(dir, 'cancel.sqlite'));
    const ac = new AbortController();
    let blocked = false;
    const p = ingestPair(
      db,
      join(dir, 'cancel.sqlite'),
      { path: canary, label: 'c' },
      { path: ours, label: 'o' },
      {
        workerThreshold: 0,
        signal: ac.signal,
        onProgress: () => {
          if (blocked) return;
          blocked = true;
          // Keep this thread busy so that both workers fill their batches in flight, then cancel.
          const until = Date.now() + 300;
          while (Date.now() < until);
          ac.abort();
        },
      },
    );
    await expect(p).rejects.toBeInstanceOf(IngestCancelled);
    expect((db.prepare('SELECT count(*) AS n FROM logs').get() as { n: number }).n).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM blocks').get() as { n: number }).n).toBe(0);
    db.close();
  });
});

describe.skipIf(!built)('thread features from workers', () => {
  it('are the ones the ingest in this thread writes, for every thread', async () => {
    const canary = join(dir, 'fc.jsonl');
    const ours = join(dir, 'fo.jsonl');
    generatePair(canary, ours, { seed: 'features', eventsPerThread: 300, threads: 12, profile: 'hostile', divergences: 3 });
    const wdb = openDb(join(dir, 'features-w.sqlite'));
    const tdb = openDb(join(dir, 'features-t.sqlite'));
    setHashSecret(tdb, hashSecret(wdb));
    const pair = await ingestPair(wdb, join(dir, 'features-w.sqlite'), { path: canary, label: 'c' }, { path: ours, label: 'o' }, { workerThreshold: 0 });
    const t = ingestLog(tdb, canary, canary).log;
    const a = readThreadFeatures(wdb, pair.canary.logId, pair.canary.threadCount);
    const b = readThreadFeatures(tdb, t.logId, t.threadCount);
    expect(a).toHaveLength(t.threadCount);
    expect(a).toEqual(b);
    expect(a.some((f) => f.calls > 0 && f.shingles.length > 0 && f.names.length > 0)).toBe(true);
    wdb.close();
    tdb.close();
  });
});
