// The find box's requests: building the search index of the session's logs
// (a job with progress and cancel), and a query's count, ruler marks, next and
// previous match, filtered list and search across every pair. The work is in
// ../../search; these handlers connect it to the contract.
import type { AcrossPairView, FilterEntryView, FindView, MatchSides, RowView, ViewMode } from '../../../shared/api';
import type { IndexedLog } from '../../diff/indexedLog';
import { compileQuery, QueryInputError, type CompiledQuery } from '../../search/compiledQuery';
import { pairMatches } from '../../search/matchCache';
import { CANARY, OURS, type PairMatches, type RowMapper } from '../../search/pairMatches';
import { ensureSearchIndex, SearchBuildCancelled } from '../../search/searchIndexJob';
import { NoSearchIndex } from '../../search/searchReader';
import type { Deadline } from '../../search/threadSearch';
import { RequestError, type Handlers, type WorkbenchContext } from '../context';
import { JobConflict, type OpenSession } from '../openSession';
import { rowsOf } from '../rowViews';
import { threadView } from '../views';

/** How long one request may read lines the index cannot decide on, before it answers with what it has. */
const READ_BUDGET_MS = 600;

const deadline = (): Deadline => ({ at: Date.now() + READ_BUDGET_MS });

function compile(query: string): CompiledQuery {
  try {
    return compileQuery(query);
  } catch (e) {
    if (e instanceof QueryInputError) throw new RequestError({ code: 'bad-request', message: e.message, detail: { at: e.at } });
    throw e;
  }
}

function sidesName(sides: number): MatchSides {
  return sides === (CANARY | OURS) ? 'both' : sides === CANARY ? 'canary' : 'ours';
}

/** What was left unread, in words (null when every event was decided). */
function incompleteNote(m: PairMatches, threads: { canary: number; ours: number }): string | null {
  const parts: string[] = [];
  for (const [side, t, total] of [
    ['canary', m.canary, threads.canary],
    ['ours', m.ours, threads.ours],
  ] as const) {
    if (t && !t.complete) parts.push(`${side} after event ${t.checkedTo.toLocaleString('en')} of ${total.toLocaleString('en')}`);
  }
  if (parts.length === 0) return null;
  return `search stopped reading events (${parts.join(', ')}): the index cannot decide this query alone, and later events were not read; narrow it with a name:, kind: or field term`;
}

/** Matches on events the rules leave out, in words (null when there are none). */
function hiddenNote(m: PairMatches, ignoreKinds: readonly string[]): string | null {
  const n = m.hidden;
  if (n === 0) return null;
  const kinds = ignoreKinds.map((k) => `ignore-kind ${k}`).join(', ');
  return `${n.toLocaleString('en')} matching ${n === 1 ? 'event is' : 'events are'} of kinds the rules leave out (${kinds}): not in this view, not counted`;
}

export function searchHandlers(
  ctx: WorkbenchContext,
): Handlers<'search/prepare' | 'search/cancel' | 'search/find' | 'search/step' | 'search/hits' | 'search/filtered' | 'search/across'> {
  const guard = <T>(work: () => T): T => {
    try {
      return work();
    } catch (e) {
      if (e instanceof NoSearchIndex) throw new RequestError({ code: 'not-found', message: e.message });
      throw e;
    }
  };

  const matches = (s: OpenSession, pairKey: string, view: ViewMode, q: CompiledQuery, until: Deadline, retry = false): PairMatches => {
    const p = ctx.pair(s, pairKey);
    const model = p.alignment.rows(view);
    // The search index holds positions in the logs' threads; under rules that leave kinds out, the streams
    // the view shows are shorter: a match maps to the stream's position of its event, and a match on an
    // event left out is in no row (not the next event kept: Enter would land on an event that does not match).
    const toStream = (side: 'canary' | 'ours', ps: Int32Array): Int32Array => {
      const t = side === 'canary' ? p.c : p.o;
      if (t.log.cmp.reference || t.log.cmp.rules.ignoreKinds.length === 0) return ps;
      const threadNo = t.thread.threadNo;
      const out = new Int32Array(ps.length);
      let n = 0;
      for (const x of ps) {
        const at = t.log.streamPos(threadNo, x);
        if (t.log.threadPos(threadNo, at) === x) out[n++] = at;
      }
      return out.slice(0, n);
    };
    const rows: RowMapper = {
      total: model.total,
      // Aligned: one walk over the alignment's segments for all of a side's matches; by position: row = position.
      rowsOf: (side, raw) => {
        const ps = toStream(side, raw);
        return view === 'aligned' ? p.alignment.aligned.rowsOfSorted(side, ps) : ps.map((x) => model.rowOf(side, x));
      },
    };
    return guard(() =>
      pairMatches(
        p.alignment,
        view,
        { log: p.c.log.base, threadNo: p.c.thread.threadNo },
        { log: p.o.log.base, threadNo: p.o.thread.threadNo },
        q,
        rows,
        until,
        retry,
      ),
    );
  };

  const note = (s: OpenSession, pairKey: string, m: PairMatches): string | null => {
    const p = ctx.pair(s, pairKey);
    const notes = [incompleteNote(m, { canary: p.c.thread.eventCount, ours: p.o.thread.eventCount }), hiddenNote(m, s.rules.ignoreKinds)];
    return notes.filter((x) => x !== null).join('; ') || null;
  };

  /** The RowViews of some rows of a view, read a run of neighbouring rows at a time. */
  const rowViews = (s: OpenSession, pairKey: string, view: ViewMode, rows: number[]): Map<number, RowView> => {
    const out = new Map<number, RowView>();
    for (let k = 0; k < rows.length;) {
      let j = k + 1;
      while (j < rows.length && rows[j] === rows[j - 1]! + 1) j++;
      for (const r of rowsOf(ctx, s, pairKey, view, rows[k]!, j - k).rows) out.set(r.row, r);
      k = j;
    }
    return out;
  };

  return {
    'search/prepare': async ({ sessionId, jobId }) => {
      const s = ctx.session(sessionId);
      if (ctx.jobs.has(jobId)) throw new JobConflict(jobId);
      if (ctx.cancelledEarly.delete(jobId)) throw new RequestError({ code: 'cancelled', message: 'cancelled: no search index was built' });
      const abort = new AbortController();
      ctx.jobs.set(jobId, abort);
      try {
        const build = (side: 'canary' | 'ours', log: IndexedLog): ReturnType<typeof ensureSearchIndex> =>
          ensureSearchIndex(ctx.db, ctx.dbPath, log.log, log.path, log.label, {
            signal: abort.signal,
            ...(ctx.opts.nativeBinding ? { nativeBinding: ctx.opts.nativeBinding } : {}),
            onProgress: (p) => ctx.emit('search/progress', { jobId, side, ...p }),
          });
        const both = [build('canary', s.canary.base), build('ours', s.ours.base)];
        // One failing stops the other: nothing half-built is kept.
        for (const b of both) void b.catch(() => abort.abort());
        const [canary, ours] = await Promise.all(both);
        return { canary: canary!, ours: ours! };
      } catch (e) {
        if (e instanceof SearchBuildCancelled) throw new RequestError({ code: 'cancelled', message: 'cancelled: no search index was built' });
        throw e;
      } finally {
        ctx.jobs.delete(jobId);
      }
    },

    'search/cancel': ({ jobId }) => {
      const job = ctx.jobs.get(jobId);
      if (job) job.abort();
      else ctx.cancelledEarly.set(jobId, Date.now()); // the prepare may still be on its way
      return { cancelled: true };
    },

    'search/find': ({ sessionId, pairKey, view, query, buckets }): FindView => {
      const s = ctx.session(sessionId);
      const q = compile(query);
      if (q.terms.length === 0) return { query: '', rows: 0, canary: 0, ours: 0, complete: true, note: null, marks: [] };
      // A count is asked when a query is typed or the view changes: a search cut short before gets this request's time.
      const m = matches(s, pairKey, view, q, deadline(), true);
      return {
        query: q.text,
        rows: m.count,
        canary: m.shown.canary,
        ours: m.shown.ours,
        complete: (m.canary?.complete ?? true) && (m.ours?.complete ?? true),
        note: note(s, pairKey, m),
        marks: m.marks(buckets),
      };
    },

    'search/step': ({ sessionId, pairKey, view, query, from, direction, context }) => {
      const s = ctx.session(sessionId);
      const q = compile(query);
      if (q.terms.length === 0) return { row: null, index: null, entry: null };
      const m = matches(s, pairKey, view, q, deadline());
      const at = m.step(from, direction);
      if (!at) return { row: null, index: null, entry: null };
      return { row: at.row, index: at.index, entry: context === undefined ? null : m.filter(context).entryOf(at.row) };
    },

    'search/hits': ({ sessionId, pairKey, view, query, from, count }) => {
      const s = ctx.session(sessionId);
      const q = compile(query);
      if (q.terms.length === 0) return { hits: [] };
      const m = matches(s, pairKey, view, q, deadline());
      return { hits: m.within(from, count).map((h) => ({ row: h.row, match: sidesName(h.sides) })) };
    },

    'search/filtered': ({ sessionId, pairKey, view, query, context, from, count, around }) => {
      const s = ctx.session(sessionId);
      const q = compile(query);
      if (q.terms.length === 0) return { total: 0, from: 0, at: null, entries: [] };
      const m = matches(s, pairKey, view, q, deadline());
      const f = m.filter(context);
      const at = around === undefined || f.entries === 0 ? null : f.entryOf(around);
      if (at !== null) from = Math.max(0, Math.min(at - (count >> 1), f.entries - count));
      const raw = [];
      for (let e = from; e < Math.min(f.entries, from + count); e++) raw.push(f.entry(e));
      const views = rowViews(
        s,
        pairKey,
        view,
        raw.flatMap((x) => ('row' in x ? [x.row] : [])),
      );
      const entries: FilterEntryView[] = raw.map((x) => {
        if ('gap' in x) return { type: 'gap', from: x.gap[0], to: x.gap[1] };
        const sides = m.sidesAt(x.row);
        return { type: 'row', row: views.get(x.row)!, match: sides === 0 ? null : sidesName(sides) };
      });
      return { total: f.entries, from, at, entries };
    },

    'search/across': ({ sessionId, view, query, from, count, hitsPerPair }) => {
      const s = ctx.session(sessionId);
      const q = compile(query);
      if (q.terms.length === 0) return { pairs: [], pairsWithHits: 0, rows: 0, complete: true, note: null };
      const until = deadline();
      const found: { pairKey: string; m: PairMatches }[] = [];
      let rows = 0;
      let complete = true;
      for (const p of s.result.pairs) {
        const pairKey = p.canaryThread.tidKey;
        const m = matches(s, pairKey, view, q, until);
        complete &&= (m.canary?.complete ?? true) && (m.ours?.complete ?? true);
        if (m.count === 0) continue;
        rows += m.count;
        found.push({ pairKey, m });
      }
      const pairs: AcrossPairView[] = found.slice(from, from + count).map(({ pairKey, m }) => {
        const p = ctx.pair(s, pairKey);
        const first = Array.from(m.rows.subarray(0, hitsPerPair));
        const views = rowViews(s, pairKey, view, first);
        return {
          pairKey,
          canaryTid: threadView('canary', p.c.thread).tid,
          oursTid: threadView('ours', p.o.thread).tid,
          rows: m.count,
          canary: m.shown.canary,
          ours: m.shown.ours,
          complete: (m.canary?.complete ?? true) && (m.ours?.complete ?? true),
          hits: first.map((row, k) => ({ row: views.get(row)!, match: sidesName(m.sides[k]!) })),
        };
      });
      return {
        pairs,
        pairsWithHits: found.length,
        rows,
        complete,
        note: complete ? null : 'some pairs were not searched to the end: the index cannot decide this query alone, and reading their events took too long',
      };
    },
  };
}
