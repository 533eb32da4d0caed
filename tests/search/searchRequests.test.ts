// The find box's requests on a real Workbench (real SQLite, real files, the
// worker when it is built): the search index is built once with progress and
// can be cancelled; counts, steps, hits, the filtered list and the search
// across every pair agree with an independent scan in python3.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events, RequestArg, RequestName, RequestResult, Result, SessionView } from '../../src/shared/api';
import { generatePair } from '../../src/main/generator/generateLogs';
import type { Workbench } from '../../src/main/service/workbench';
import { parseQuery, type QueryTerm } from '../../src/shared/searchQuery';
import { temporaryWorkbench } from '../support/inProcessTransport';
import { pythonMatches } from './oracleScan';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-search-requests-'));
const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
let wb: ReturnType<typeof temporaryWorkbench>;
let w: Workbench;
let session: SessionView;

async function ask<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<Result<RequestResult<K>>> {
  return (await w.handle(name, arg)) as Result<RequestResult<K>>;
}
async function call<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await ask(name, arg);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value;
}

/** Python's matching positions of a query, per side, per thread (in order of first appearance in each log). */
function expected(query: string): { canary: number[][]; ours: number[][] } {
  const p = parseQuery(query);
  if (!p.ok) throw new Error(p.message);
  return { canary: pythonMatches(canary, [p.terms as QueryTerm[]])[0]!, ours: pythonMatches(ours, [p.terms as QueryTerm[]])[0]! };
}

beforeAll(async () => {
  generatePair(canary, ours, { seed: 'search-requests', eventsPerThread: 1500, threads: 4, profile: 'realistic', divergences: 2 });
  wb = temporaryWorkbench();
  w = wb.workbench;
  session = await call('session/open', { jobId: 'open', canaryPath: canary, oursPath: ours });
});
afterAll(() => {
  wb.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('the find box on a real host', () => {
  const QUERY = 'name:NtCreateFile kind:kernel.return';

  it('asks for the search index before it answers from it', async () => {
    const pair = session.pairs[0]!;
    const r = await ask('search/find', { sessionId: session.id, pairKey: pair.key, view: 'aligned', query: QUERY, buckets: 100 });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringMatching(/has no search index yet: it is built on the first search/) },
    });
  });

  it('builds the search index of both logs once, with progress', async () => {
    const progress: Events['search/progress'][] = [];
    const off = w.onEvent((name, payload) => {
      if (name === 'search/progress') progress.push(payload as Events['search/progress']);
    });
    const built = await call('search/prepare', { sessionId: session.id, jobId: 'prep' });
    off();
    expect(built.canary).toMatchObject({ built: true, events: session.canary.events });
    expect(built.ours).toMatchObject({ built: true, events: session.ours.events });
    expect(built.canary.bytes).toBeGreaterThan(0);
    for (const side of ['canary', 'ours'] as const) {
      const last = progress.filter((p) => p.side === side).at(-1)!;
      expect(last).toMatchObject({ jobId: 'prep', bytesDone: last.bytesTotal });
    }
    const again = await call('search/prepare', { sessionId: session.id, jobId: 'prep-again' });
    expect(again.canary.built).toBe(false);
    expect(again.canary.bytes).toBe(built.canary.bytes);
  });

  it('counts, steps and lists the matches of a query as the scan finds them (positional view: row = position)', async () => {
    const want = expected(QUERY);
    for (const pair of session.pairs) {
      const c = want.canary[pair.canary.threadNo]!;
      const o = want.ours[pair.ours.threadNo]!;
      const rows = [...new Set([...c, ...o])].sort((a, b) => a - b);
      const found = await call('search/find', { sessionId: session.id, pairKey: pair.key, view: 'positional', query: QUERY, buckets: 4000 });
      expect(found).toMatchObject({
        query: 'payload.name="NtCreateFile" kind="kernel.return"',
        rows: rows.length,
        canary: c.length,
        ours: o.length,
        complete: true,
        note: null,
      });
      // Enter, Enter, …: every match in turn, then none.
      const stepped: number[] = [];
      for (let from = -1; ;) {
        const s = await call('search/step', { sessionId: session.id, pairKey: pair.key, view: 'positional', query: QUERY, from, direction: 1 });
        if (s.row === null) break;
        expect(s.index).toBe(stepped.length);
        stepped.push((from = s.row));
      }
      expect(stepped).toEqual(rows);
      if (rows.length) {
        const back = await call('search/step', {
          sessionId: session.id,
          pairKey: pair.key,
          view: 'positional',
          query: QUERY,
          from: rows.at(-1)!,
          direction: -1,
        });
        expect(back.row).toBe(rows.at(-2) ?? null);
      }
      const hits = await call('search/hits', { sessionId: session.id, pairKey: pair.key, view: 'positional', query: QUERY, from: 0, count: 2000 });
      expect(hits.hits).toEqual(rows.map((row) => ({ row, match: c.includes(row) && o.includes(row) ? 'both' : c.includes(row) ? 'canary' : 'ours' })));
    }
  });

  it('lands on rows whose events match in the aligned view, a match on either side', async () => {
    const want = expected(QUERY);
    const pair = session.pairs.find((p) => p.alignment.hunks > 0) ?? session.pairs[0]!;
    const c = new Set(want.canary[pair.canary.threadNo]);
    const o = new Set(want.ours[pair.ours.threadNo]);
    const found = await call('search/find', { sessionId: session.id, pairKey: pair.key, view: 'aligned', query: QUERY, buckets: 50 });
    let n = 0;
    for (let from = -1; ; n++) {
      const s = await call('search/step', { sessionId: session.id, pairKey: pair.key, view: 'aligned', query: QUERY, from, direction: 1 });
      if (s.row === null) break;
      const row = (await call('diff/rows', { sessionId: session.id, pairKey: pair.key, view: 'aligned', from: s.row, count: 1 })).rows[0]!;
      expect((row.canary && c.has(row.canary.position)) || (row.ours && o.has(row.ours.position))).toBe(true);
      from = s.row;
    }
    expect(n).toBe(found.rows);
    // The ruler's marks cover every match.
    expect(found.marks.reduce((k, m) => k + m.rows, 0)).toBeGreaterThanOrEqual(Math.min(found.rows, 1));
  });

  it('filters to the matching rows with context, a gap for what is left out', async () => {
    const pair = session.pairs[0]!;
    const context = 2;
    const hits = (await call('search/hits', { sessionId: session.id, pairKey: pair.key, view: 'aligned', query: QUERY, from: 0, count: 2000 })).hits;
    const matchRows = new Set(hits.map((h) => h.row));
    const first = await call('search/filtered', { sessionId: session.id, pairKey: pair.key, view: 'aligned', query: QUERY, context, from: 0, count: 500 });
    const all = [...first.entries];
    for (let from = all.length; from < first.total; from = all.length) {
      all.push(
        ...(await call('search/filtered', { sessionId: session.id, pairKey: pair.key, view: 'aligned', query: QUERY, context, from, count: 500 })).entries,
      );
    }
    expect(all).toHaveLength(first.total);
    let next = 0; // the rows come in order, each once, gaps standing for exactly what is missing
    for (const e of all) {
      if (e.type === 'gap') {
        expect(e.from).toBe(next);
        expect(e.to).toBeGreaterThan(e.from);
        next = e.to;
        continue;
      }
      expect(e.row.row).toBe(next++);
      expect(e.match !== null).toBe(matchRows.has(e.row.row));
      const near = [...matchRows].some((m) => Math.abs(m - e.row.row) <= context);
      expect(near).toBe(true);
    }
    expect(next).toBe(pair.alignment.rows);
    // Enter in the filtered list says where the match is in it.
    const s = await call('search/step', { sessionId: session.id, pairKey: pair.key, view: 'aligned', query: QUERY, from: -1, direction: 1, context });
    const at = all[s.entry!]!;
    expect(at.type === 'row' && at.row.row).toBe(s.row);
  });

  it('searches every pair: where else does NtCreateFile return, and with what', async () => {
    const query = 'name:NtCreateFile kind:kernel.return payload.status!=0';
    const want = expected(query);
    const r = await call('search/across', { sessionId: session.id, view: 'positional', query, from: 0, count: 100, hitsPerPair: 3 });
    const expectedPairs = session.pairs
      .map((p) => ({ key: p.key, rows: new Set([...want.canary[p.canary.threadNo]!, ...want.ours[p.ours.threadNo]!]).size }))
      .filter((p) => p.rows > 0);
    expect(r.pairsWithHits).toBe(expectedPairs.length);
    expect(r.pairs.map((p) => ({ key: p.pairKey, rows: p.rows }))).toEqual(expectedPairs);
    for (const p of r.pairs) expect(p.hits.length).toBe(Math.min(3, p.rows));
    expect(r.complete).toBe(true);
  });

  it('says what is wrong with a query, as data', async () => {
    const pair = session.pairs[0]!;
    const r = await ask('search/find', { sessionId: session.id, pairKey: pair.key, view: 'aligned', query: 'kind:x /Nt(Read/', buckets: 10 });
    expect(r).toEqual({
      ok: false,
      error: { code: 'bad-request', message: '/Nt(Read/ is not a valid regular expression: Unterminated group', detail: { at: 7 } },
    });
  });
});

describe('matches on events the rules leave out (ignore-kind)', () => {
  it('are not in the view: not counted, not stepped to, not marked; the note says how many and why', async () => {
    // name:NtCreateFile matches calls (kept) and returns (left out by the rules).
    const query = 'name:NtCreateFile';
    const s = await call('session/open', { jobId: 'open-ignoring', canaryPath: canary, oursPath: ours });
    await call('search/prepare', { sessionId: s.id, jobId: 'prep-ignoring' });
    const ruled = await call('session/rules', { sessionId: s.id, jobId: 'ignore-returns', rules: { ...s.rules.rules, ignoreKinds: ['kernel.return'] } });
    const all = expected(query);
    const kept = expected(`${query} kind!=kernel.return`);
    const left = expected(`${query} kind:kernel.return`);
    for (const pair of ruled.pairs) {
      const c = kept.canary[pair.canary.threadNo]!.length;
      const o = kept.ours[pair.ours.threadNo]!.length;
      const hidden = left.canary[pair.canary.threadNo]!.length + left.ours[pair.ours.threadNo]!.length;
      expect(c + o + hidden).toBe(all.canary[pair.canary.threadNo]!.length + all.ours[pair.ours.threadNo]!.length);
      for (const view of ['aligned', 'positional'] as const) {
        const base = { sessionId: s.id, pairKey: pair.key, view, query };
        const found = await call('search/find', { ...base, buckets: 4000 });
        expect({ view, canary: found.canary, ours: found.ours, complete: found.complete }).toEqual({ view, canary: c, ours: o, complete: true });
        if (hidden > 0)
          expect(found.note).toBe(
            `${hidden.toLocaleString('en')} matching ${hidden === 1 ? 'event is' : 'events are'} of kinds the rules leave out (ignore-kind kernel.return): not in this view, not counted`,
          );
        else expect(found.note).toBeNull();
        // Enter lands only on rows whose event is a match the view shows: never silently on a neighbour.
        let n = 0;
        for (let from = -1; ; n++) {
          const st = await call('search/step', { ...base, from, direction: 1 });
          if (st.row === null) break;
          const row = (await call('diff/rows', { sessionId: s.id, pairKey: pair.key, view, from: st.row, count: 1 })).rows[0]!;
          const isMatch = (e: typeof row.canary): boolean => e !== null && e.kind === 'kernel.call' && e.summary.includes('NtCreateFile');
          expect({ view, row: st.row, match: isMatch(row.canary) || isMatch(row.ours) }).toEqual({ view, row: st.row, match: true });
          from = st.row;
        }
        expect(n).toBe(found.rows);
        const marked = found.marks.reduce((k, m) => k + m.rows, 0);
        expect(marked).toBeGreaterThanOrEqual(found.rows > 0 ? 1 : 0);
      }
    }
    await call('session/close', { sessionId: s.id });
  });
});

describe('building the search index', () => {
  it('can be cancelled, and keeps nothing of what it built', async () => {
    const big = join(dir, 'big-canary.jsonl');
    generatePair(big, join(dir, 'big-ours.jsonl'), { seed: 'search-cancel', eventsPerThread: 40_000, threads: 2, profile: 'realistic', divergences: 0 });
    const s = await call('session/open', { jobId: 'open-big', canaryPath: big, oursPath: join(dir, 'big-ours.jsonl') });
    const prepare = ask('search/prepare', { sessionId: s.id, jobId: 'prep-big' });
    let started = false;
    const off = w.onEvent((name) => {
      if (name === 'search/progress' && !started) {
        started = true;
        void ask('search/cancel', { jobId: 'prep-big' });
      }
    });
    const r = await prepare;
    off();
    expect(r).toEqual({ ok: false, error: { code: 'cancelled', message: 'cancelled: no search index was built' } });
    const logIds = [s.canary, s.ours].map((l) => (w.db.prepare('SELECT log_id FROM logs WHERE path = ?').get(l.path) as { log_id: number }).log_id);
    for (const id of logIds) {
      expect(w.db.prepare('SELECT count(*) AS n FROM search_columns WHERE log_id = ?').get(id)).toEqual({ n: 0 });
      expect(w.db.prepare('SELECT count(*) AS n FROM search_logs WHERE log_id = ?').get(id)).toEqual({ n: 0 });
    }
  });

  it('refuses a log that changed since it was indexed, in one line naming it', async () => {
    const c = join(dir, 'changing-canary.jsonl');
    const o = join(dir, 'changing-ours.jsonl');
    generatePair(c, o, { seed: 'search-changed', eventsPerThread: 100, threads: 2, profile: 'realistic', divergences: 0 });
    const s = await call('session/open', { jobId: 'open-changing', canaryPath: c, oursPath: o });
    appendFileSync(c, '{"tid": 1, "tid_event_idx": 99999, "kind": "late"}\n');
    const r = await ask('search/prepare', { sessionId: s.id, jobId: 'prep-changed' });
    expect(r).toMatchObject({ ok: false, error: { code: 'input', message: expect.stringMatching(new RegExp(`^${c}: the log changed since it was indexed`)) } });
  });
});
