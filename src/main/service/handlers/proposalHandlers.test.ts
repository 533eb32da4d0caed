// The similarity mapping in the workbench service, on generated logs whose
// true pairing is known: proposed beside the mapping in effect, applied in one
// step, remembered by the session (reopened, and in a .lockstep file) as a
// map by hand is, and undone like any other change to the mapping.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestArg, RequestName, RequestResult, SessionView } from '../../../shared/api';
import { generatedTidMap, generatePair } from '../../generator/generateLogs';
import { Workbench } from '../workbench';

const dir = mkdtempSync(join(tmpdir(), 'proposal-'));
const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
const opts = {
  seed: 'proposal',
  eventsPerThread: 300,
  threads: 8,
  profile: 'realistic' as const,
  divergences: 2,
  mappingTrap: { sharedFirstCall: 6, firstCallDiffers: 1 },
};
const truth = generatedTidMap(opts);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => void generatePair(canary, ours, opts));

async function call<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await w.handle(name, arg);
  if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
  return r.value as RequestResult<K>;
}

const pairsText = (s: SessionView): string => s.pairs.map((p) => `${p.canary.tid}=${p.ours.tid}`).join(',');

describe('the proposed similarity mapping', () => {
  let w: Workbench;
  let s: SessionView;
  const data = join(dir, 'data');

  beforeAll(async () => {
    w = new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
    s = await call(w, 'session/open', { jobId: 'open', canaryPath: canary, oursPath: ours });
  });
  afterAll(() => w.close());

  it("is proposed beside the reference's pairing, which it changes, with every pair explained", async () => {
    expect(s.manualMap).toBe(false);
    expect(pairsText(s)).not.toBe(truth);
    const p = await call(w, 'map/propose', { sessionId: s.id });
    expect(p.pairs.map((x) => `${x.canary.tid}=${x.ours.tid}`).join(',')).toBe(truth);
    expect(p.tidMapArg).toBe(truth);
    expect(p.applied).toBe(false);
    expect(p.unsure).toBe(0);
    // The six sharing a first call are moved, the one whose first call differs is new.
    expect(p.pairs.filter((x) => x.change === 'moved')).toHaveLength(6);
    expect(p.pairs.filter((x) => x.change === 'new')).toHaveLength(1);
    expect(p.changes).toBe(7);
    for (const x of p.pairs.filter((y) => y.change === 'moved')) expect(x.nowWith).not.toBe(x.ours.tid);
    for (const x of p.pairs) expect(x.explanation.reason).toMatch(/^first call .*; \d+% of call sequence shared; /);
    // Nothing changed by proposing.
    expect(pairsText(await call(w, 'session/get', { sessionId: s.id }))).toBe(pairsText(s));
  });

  it('is applied in one step, each pair saying why, and undone to the mapping before', async () => {
    const r = await call(w, 'map/apply-proposal', { sessionId: s.id });
    expect(r.changes[0]).toBe('applied the similarity mapping: 8 pairs, 7 changed, 0 unsure');
    expect(r.changes.slice(1)).toHaveLength(7);
    expect(r.changes.find((l) => l.includes('first call differs'))).toMatch(/^canary \d+ is now paired with ours \d+: first call differs/);
    expect(pairsText(r.session)).toBe(truth);
    expect(r.session.manualMap).toBe(true);
    expect(r.session.mapUndo).toBe('applied the similarity mapping');
    for (const p of r.session.pairs) {
      expect(p.mappedBy).toBe('similarity');
      expect(p.explanation!.confidence).toBeGreaterThan(0.8);
    }
    expect((await call(w, 'map/propose', { sessionId: s.id })).applied).toBe(true);

    const undone = await call(w, 'map/undo', { sessionId: s.id });
    expect(undone.changes).toEqual(['undone: applied the similarity mapping']);
    expect(pairsText(undone.session)).toBe(pairsText(s));
    expect(undone.session.manualMap).toBe(false);
    expect(undone.session.mapUndo).toBeNull();
    expect((await call(w, 'map/undo', { sessionId: s.id })).changes).toEqual(['nothing to undo']);
  });

  it('undoes a pair made by hand after the apply, back to the applied mapping', async () => {
    const applied = (await call(w, 'map/apply-proposal', { sessionId: s.id })).session;
    const [a, b] = applied.pairs;
    const byHand = await call(w, 'map/pair', { sessionId: s.id, canaryTidKey: a!.canary.tidKey, oursTidKey: b!.ours.tidKey, exclusive: true });
    expect(byHand.session.pairs.find((p) => p.key === a!.key)!.mappedBy).toBe('manual');
    expect(byHand.session.pairs.filter((p) => p.mappedBy === 'similarity').length).toBe(applied.pairs.length - 2);
    expect((await call(w, 'map/propose', { sessionId: s.id })).applied).toBe(false);
    const back = await call(w, 'map/undo', { sessionId: s.id });
    expect(back.changes[0]).toMatch(/^undone: canary \d+ was paired with ours \d+; now with ours \d+$/);
    expect(pairsText(back.session)).toBe(truth);
    expect(back.session.pairs.every((p) => p.mappedBy === 'similarity')).toBe(true);
  });

  it('is remembered by the session when it is opened again, and in a session file', async () => {
    const before = await call(w, 'session/get', { sessionId: s.id });
    await call(w, 'session/close', { sessionId: s.id });
    const again = await call(w, 'session/open', { jobId: 'again', canaryPath: canary, oursPath: ours });
    expect(again.id).toBe(s.id);
    expect(pairsText(again)).toBe(truth);
    expect(again.pairs.map((p) => p.explanation)).toEqual(before.pairs.map((p) => p.explanation));

    const file = join(dir, 'applied.lockstep');
    await call(w, 'session/save-as', { sessionId: s.id, path: file });
    const other = new Workbench({ dataDir: join(dir, 'other'), host: 'browser', version: 'test', demo: null });
    try {
      const opened = await call(other, 'session/open-file', { jobId: 'file', path: file });
      expect(opened.kind).toBe('opened');
      if (opened.kind !== 'opened') return;
      expect(pairsText(opened.session)).toBe(truth);
      expect(opened.session.pairs.map((p) => p.explanation)).toEqual(before.pairs.map((p) => p.explanation));
      const json = JSON.parse((await call(other, 'report/export', { sessionId: opened.session.id, format: 'json' })).text) as {
        session: { mappingUsed: string };
        pairs: { mappedBy: string; similarity: { reason: string } | null }[];
      };
      expect(json.session.mappingUsed).toBe('mapped by the similarity of the whole streams, as proposed in the workbench (0 unsure)');
      expect(json.pairs.every((p) => p.mappedBy === 'similarity' && p.similarity !== null)).toBe(true);
    } finally {
      other.close();
    }
  });
});
