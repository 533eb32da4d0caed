// What signatures and clustering cost on their own: every hunk of every pair
// signed and the signatures grouped, from a kept index (the alignments kept
// there, the events read back from the logs as the JSON report reads them),
// timed in-process; set beside the cold aligned diff's time in bench.ts.
import { performance } from 'node:perf_hooks';
import { alignPair } from '../src/main/align/alignPair';
import { sides } from '../src/main/align/pairAlignment';
import { diffLogs } from '../src/main/diff/diffLogs';
import { referenceComparison } from '../src/main/diff/comparison';
import { IndexedLog } from '../src/main/diff/indexedLog';
import { RuledLog } from '../src/main/diff/ruledLog';
import { ingestPair } from '../src/main/ingest/ingestPair';
import { openDb } from '../src/main/store/db';
import { groupSignatures, pairSignatures } from '../src/main/triage/signatureGroups';

export interface SignatureCost {
  seconds: number;
  hunks: number;
  signatures: number;
  pairs: number;
}

export async function measureSignatures(dbPath: string, canaryPath: string, oursPath: string): Promise<SignatureCost> {
  const db = openDb(dbPath);
  try {
    const pair = await ingestPair(db, dbPath, { path: canaryPath, label: canaryPath }, { path: oursPath, label: oursPath });
    const cmp = referenceComparison(true);
    const c = new RuledLog(new IndexedLog(db, pair.canary, canaryPath), cmp);
    const o = new RuledLog(new IndexedLog(db, pair.ours, oursPath), cmp);
    try {
      const result = diffLogs(c, o, { tidMapArg: null });
      const alignments = result.pairs.map((p) => {
        const s = sides(p, c, o);
        return alignPair(s.c, s.o); // kept by the json run: read back, not timed as signing
      });
      const t = performance.now();
      const signed = result.pairs.map((p, i) => ({ pairKey: p.canaryThread.tidKey, signatures: pairSignatures(p, c, o, alignments[i]!) }));
      const groups = groupSignatures(signed);
      const seconds = (performance.now() - t) / 1000;
      return { seconds, hunks: signed.reduce((n, s) => n + s.signatures.length, 0), signatures: groups.length, pairs: result.pairs.length };
    } finally {
      c.close();
      o.close();
    }
  } finally {
    db.close();
  }
}
