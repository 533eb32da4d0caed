// An open workbench session: both indexed logs, the settings, the current
// diff, and how it is persisted; and opening one, which ingests (or reuses)
// both logs in workers with progress, then diffs them. Shared by the request
// handlers.
import { randomUUID } from 'node:crypto';
import type { BookmarkView, Events, RecentEntry, SessionView } from '../../shared/api';
import { comparisonOf } from '../diff/comparison';
import { diffLogs, NoTidMapping, type DiffResult } from '../diff/diffLogs';
import { IndexedLog } from '../diff/indexedLog';
import { loadFieldData } from '../diff/fieldsLoader';
import { RuledLog } from '../diff/ruledLog';
import { REFERENCE_RULES } from '../rules/referenceRules';
import type { RuleSet } from '../rules/ruleSet';
import { ingestPair } from '../ingest/ingestPair';
import { IngestCancelled } from '../ingest/logErrors';
import type { TidPair } from '../diff/tidMap';
import { jsonDumpsExact } from '../py/format';
import { pyJsonLoads } from '../py/parse';
import { pyHashKey, type PyValue } from '../py/value';
import type { Db } from '../store/db';
import { buildSessionFile, type SessionFile } from '../sessions/sessionFile';
import { parseRules, printRules, RulesError } from '../rules/rulesFile';
import { sameRules } from '../rules/ruleSet';
import { listBookmarks, portableBookmark, type BookmarkRow } from '../store/bookmarks';
import { cutNotices } from '../report/reportContext';
import { draftOf, recentSessions, upsertSession, type StoredPairReason, type StoredPlace } from '../store/sessions';
import type { SimilarityMapping } from '../diff/similarityMap';
import { alignPairs } from '../align/alignPairs';
import { sides } from '../align/pairAlignment';
import { PairAlignment } from './pairRows';
import { SessionTriage, storedChoice } from './sessionTriage';
import { logView, pairView, rulesView, threadView } from './views';

export interface OpenSession {
  id: string;
  name: string;
  /** Both logs as the session's comparison sees them (its allocator switch and rules). */
  canary: RuledLog;
  ours: RuledLog;
  canonicalize: boolean;
  rules: RuleSet;
  /** A manual mapping, or null for the automatic one. */
  tidPairs: TidPair[] | null;
  /** The similarity mapping of the session's logs, once asked for (it depends on the logs only). */
  proposal: SimilarityMapping | null;
  /** Mappings before each change, newest last, with what the change was: map/undo restores them. */
  mapHistory: { pairs: TidPair[] | null; label: string }[];
  result: DiffResult;
  /** Each pair's alignment and views, by pair key. */
  alignments: Map<string, PairAlignment>;
  place: StoredPlace | null;
  /** What changed in the logs since the session last saw them (shown with its warnings). */
  logNotes: string[];
  /** Signatures, their groups, the baseline and the comparison with it. */
  triage: SessionTriage;
  /** The change of mapping or settings under way (changes run one after the other). */
  changing: Promise<void>;
}

/** The reference's main() for the session's settings; no mapping is not fatal here (the user can pair by hand). */
function computeDiff(s: Pick<OpenSession, 'canary' | 'ours' | 'tidPairs'>): DiffResult {
  try {
    return diffLogs(s.canary, s.ours, { tidPairs: s.tidPairs });
  } catch (e) {
    if (!(e instanceof NoTidMapping)) throw e;
    const comparison = s.canary.cmp;
    return {
      pairs: [],
      warnings: [e.message],
      unmappedCanary: s.canary.threads,
      unmappedOurs: s.ours.threads,
      canonicalize: comparison.canonicalize,
      autoMap: s.tidPairs ? null : 'reference',
      similarity: null,
      comparison,
    };
  }
}

/** What recomputing a session needs of the workbench: where the index is, and the progress channels. */
export interface RecomputeContext {
  readonly dbPath: string;
  readonly opts: { readonly nativeBinding?: string };
  emit<E extends 'align/progress' | 'rules/progress'>(event: E, payload: Events[E]): void;
}

/** A change of mapping or setting to recompute the session for (what is absent stays). */
export interface SessionChange {
  canonicalize?: boolean;
  tidPairs?: TidPair[] | null;
  /** Other rules (the session/rules path, which derives the keys first with its own progress). */
  rules?: RuleSet;
}

/** Events derived between two turns of the host when a log's threads are small (RuledLog.prepare takes its turns inside a thread only). */
const EVENTS_PER_TURN = 32 * 1024;

/**
 * Derive both logs' streams under their comparison now, from the index, a few
 * blocks at a time with a turn of the host between (it answers other requests
 * meanwhile), rather than all at once on first use inside the summary; and
 * read the index's key columns they lie over (RuledLog.streamParts), thread by
 * thread, which the summary's first look at a thread would otherwise read in
 * one go. What was done before is kept: under the reference's rules, or rules
 * whose streams are kept, there is nothing to do. `onProgress` hears events
 * done of both logs' total. False when aborted (what was derived stays kept).
 * Large logs are first read, and derived, in a worker each (diff/fieldsLoader.ts).
 */
async function deriveStreams(
  ctx: RecomputeContext,
  canary: RuledLog,
  ours: RuledLog,
  onProgress: ((done: number, total: number) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (canary.cmp.reference && ours.cmp.reference) return true;
  const count = (log: RuledLog): number => log.base.threads.reduce((a, t) => a + t.eventCount, 0);
  const total = count(canary) + count(ours);
  // What the bar shows never goes back: the workers' threads come first, then the walk below counts them again.
  let shown = 0;
  const report = (n: number): void => {
    if (n < shown) return;
    shown = n;
    onProgress?.(n, total);
  };
  report(0);
  // Large logs not read before: both indexes read, and their streams derived, at once in two workers (what is read is kept for later changes).
  const opts = ctx.opts.nativeBinding ? { nativeBinding: ctx.opts.nativeBinding } : {};
  let loaded = 0;
  const onThread = (events: number): void => report((loaded += events));
  await Promise.all([canary, ours].map((log) => loadFieldData(log.base, log.cmp, ctx.dbPath, { ...opts, onThread })));
  if (signal?.aborted) return false;
  let done = 0;
  for (const log of [canary, ours]) {
    // Small threads together, a big one alone, a turn of the host after each batch.
    const batches: { threadNos: number[]; events: number }[] = [];
    for (const t of log.base.threads) {
      const last = batches.at(-1);
      if (last && last.events + t.eventCount <= EVENTS_PER_TURN) {
        last.threadNos.push(t.threadNo);
        last.events += t.eventCount;
      } else batches.push({ threadNos: [t.threadNo], events: t.eventCount });
    }
    for (const b of batches) {
      const from = done;
      if (!b.threadNos.every((n) => log.isDerived(n))) await log.prepare(b.threadNos, (n) => report(from + n), signal);
      if (signal?.aborted) return false;
      for (const n of b.threadNos) log.streamParts(n);
      done += b.events;
      report(done);
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) return false;
    }
  }
  return true;
}

/** What a recompute reports to and is stopped by: the open's job id (null: a change of an open session), its abort, and progress of each phase. */
export interface RecomputeJob {
  jobId: string | null;
  signal?: AbortSignal;
  /** Events whose keys are derived under the rules, of both logs' total (only when there is something to derive). */
  onDeriving?: (done: number, total: number) => void;
  onProgress?: (pairsDone: number, pairsTotal: number) => void;
}

/**
 * The session's summary and every pair's alignment for its mapping and
 * settings with `change` applied. Under rules that are not the reference's,
 * each thread's keys are derived first, stepwise (deriveStreams). Alignments
 * are kept in the index: a pair the change did not touch is read back; the
 * others are aligned in a worker, with 'align/progress', while the host
 * answers other requests. The session takes the change all at once when
 * everything is ready: a request answered meanwhile sees the session as it
 * was; an abort (IngestCancelled) leaves it so.
 */
export async function recompute(ctx: RecomputeContext, s: OpenSession, change: SessionChange = {}, job: RecomputeJob = { jobId: null }): Promise<void> {
  const canonicalize = change.canonicalize ?? s.canonicalize;
  const tidPairs = change.tidPairs !== undefined ? change.tidPairs : s.tidPairs;
  // Another allocator setting or other rules: both logs as the new comparison sees them (keys derived once per rule set and kept).
  const same = canonicalize === s.canonicalize && change.rules === undefined;
  const cmp = same ? s.canary.cmp : comparisonOf(canonicalize, change.rules ?? s.rules);
  const canary = same ? s.canary : new RuledLog(s.canary.base, cmp);
  const ours = same ? s.ours : new RuledLog(s.ours.base, cmp);
  // What the session would sign in the background is about to be replaced: not meanwhile (it would hold up every step here).
  s.triage.suspend();
  let taken = false;
  try {
    // A cancel heard before (or while deriving) leaves the session as it was, even when there was nothing to derive.
    if (!(await deriveStreams(ctx, canary, ours, job.onDeriving, job.signal)) || job.signal?.aborted) throw new IngestCancelled();
    const result = computeDiff({ canary, ours, tidPairs });
    const started = Date.now();
    const aligned = await alignPairs(
      result.pairs.map((p) => sides(p, canary, ours)),
      ctx.dbPath,
      {
        ...(job.signal ? { signal: job.signal } : {}),
        ...(ctx.opts.nativeBinding ? { nativeBinding: ctx.opts.nativeBinding } : {}),
        onProgress: (p) => {
          ctx.emit('align/progress', { jobId: job.jobId, sessionId: job.jobId === null ? s.id : null, ...p, elapsedMs: Date.now() - started });
          job.onProgress?.(p.pairsDone, p.pairsTotal);
        },
      },
    );
    const alignments = new Map<string, PairAlignment>();
    result.pairs.forEach((p, i) => alignments.set(p.canaryThread.tidKey, new PairAlignment(aligned[i]!, p.canaryTotal, p.oursTotal)));
    Object.assign(s, { canary, ours, canonicalize, rules: cmp.rules, tidPairs, result, alignments });
    taken = true;
  } finally {
    if (taken) s.triage.reset();
    else s.triage.resume();
  }
}

/** Run a change of the session's mapping or settings after the ones under way: each reads what the one before left. */
export function serially<T>(s: OpenSession, change: () => Promise<T>): Promise<T> {
  const run = s.changing.then(change, change);
  s.changing = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/**
 * Recompute under new rules, in steps, with progress: each thread's keys
 * derived from the index, then the summary, then every pair's alignment (kept
 * in the index per rule set: a rule set seen before is read back; the others
 * aligned as recompute aligns them, in a worker given the rules when there is
 * much to align). An abort leaves the session as it was.
 */
export async function recomputeUnder(
  ctx: RecomputeContext,
  s: OpenSession,
  canonicalize: boolean,
  rules: RuleSet,
  onProgress: (phase: 'deriving' | 'aligning', done: number, total: number) => void,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    await recompute(
      ctx,
      s,
      { canonicalize, rules },
      {
        jobId: null,
        signal,
        onDeriving: (done, total) => onProgress('deriving', done, total),
        onProgress: (done, n) => onProgress('aligning', done, n),
      },
    );
  } catch (e) {
    if (e instanceof IngestCancelled) return false;
    throw e;
  }
  onProgress('aligning', s.result.pairs.length, s.result.pairs.length);
  return true;
}

function tidMapJson(pairs: TidPair[] | null): [string, string][] | null {
  return pairs === null ? null : pairs.map((p) => [jsonDumpsExact(p.canaryTid), jsonDumpsExact(p.oursTid)]);
}

/** Why each pair was made, beside tidMapJson: the similarity mapping's reasons (null for a pair made by hand; null when all are). */
function tidMapReasonsJson(pairs: TidPair[] | null): StoredPairReason[] | null {
  if (pairs === null) return null;
  const reasons = pairs.map((p) =>
    p.reason.by === 'similarity' ? { similarity: p.reason.similarity, confidence: p.reason.confidence, unsure: p.reason.unsure, why: p.reason.why } : null,
  );
  return reasons.some((r) => r !== null) ? reasons : null;
}

export function tidPairsFromJson(map: [string, string][] | null, reasons: StoredPairReason[] | null = null): TidPair[] | null {
  if (map === null) return null;
  const kept = reasons !== null && reasons.length === map.length ? reasons : null;
  return map.map(([c, o], i) => {
    const r = kept?.[i] ?? null;
    return { canaryTid: pyJsonLoads(c), oursTid: pyJsonLoads(o), reason: r ? { by: 'similarity' as const, ...r } : { by: 'manual' as const } };
  });
}

/** `--tid-map` text for the same mapping, when every tid is an integer (and something is mapped: an empty --tid-map means automatic). */
export function tidMapArg(result: DiffResult): string | null {
  if (result.pairs.length === 0) return null;
  const parts: string[] = [];
  for (const p of result.pairs) {
    if (typeof p.canaryTid !== 'bigint' || typeof p.oursTid !== 'bigint') return null;
    parts.push(`${p.canaryTid}=${p.oursTid}`);
  }
  return parts.join(',');
}

export function bookmarkView(s: OpenSession, b: BookmarkRow): BookmarkView {
  if (b.canaryPosition === null && b.oursPosition === null) throw new Error('it sits on no event');
  let pairKey: string | null = null;
  try {
    const key = pyHashKey(pyJsonLoads(b.canaryTid) as PyValue);
    if (s.result.pairs.some((p) => p.canaryThread.tidKey === key)) pairKey = key;
  } catch {
    pairKey = null;
  }
  return {
    id: b.bookmarkId,
    pairKey,
    canaryTid: printTid(b.canaryTid),
    oursTid: printTid(b.oursTid),
    canaryPosition: streamPosition(s.canary, b.canaryTid, b.canaryPosition),
    oursPosition: streamPosition(s.ours, b.oursTid, b.oursPosition),
    tidEventIdx: b.tidEventIdx,
    atDivergence: b.atDivergence,
    title: b.title,
    note: b.note,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}

/** A kept position in a thread (bookmarks, the place) as a position in its stream under the session's rules. */
function streamPosition(log: RuledLog, tidJson: string, pos: number | null): number | null {
  if (pos === null || log.cmp.reference || log.cmp.rules.ignoreKinds.length === 0) return pos;
  let t;
  try {
    t = log.threadByKey(pyHashKey(pyJsonLoads(tidJson) as PyValue));
  } catch {
    return pos;
  }
  return t ? log.streamPos(t.threadNo, pos) : pos;
}

function printTid(json: string): string {
  const v = pyJsonLoads(json);
  return typeof v === 'string' ? v : json;
}

/**
 * The session's bookmarks as views. A stored row that cannot be read (damaged
 * by hand, or by a Lockstep that let a bad file in) is left out with a
 * warning: the session and every other bookmark stay reachable.
 */
export function readableBookmarks(s: OpenSession, sessionsDb: Db): { views: BookmarkView[]; rows: BookmarkRow[]; skipped: string[] } {
  const views: BookmarkView[] = [];
  const rows: BookmarkRow[] = [];
  const skipped: string[] = [];
  for (const b of listBookmarks(sessionsDb, s.id)) {
    try {
      views.push(bookmarkView(s, b));
      rows.push(b);
    } catch (e) {
      skipped.push(`a stored bookmark (${b.bookmarkId}, “${b.title.slice(0, 60)}”) cannot be read and is left out: ${(e as Error).message}`);
    }
  }
  return { views, rows, skipped };
}

export function sessionView(s: OpenSession, sessionsDb: Db): SessionView {
  const r = s.result;
  const readable = readableBookmarks(s, sessionsDb);
  return {
    id: s.id,
    name: s.name,
    canary: logView('canary', s.canary),
    ours: logView('ours', s.ours),
    canonicalize: s.canonicalize,
    rules: rulesView(s.canary.cmp, s.canary, s.ours),
    manualMap: s.tidPairs !== null,
    mapUndo: s.mapHistory.at(-1)?.label ?? null,
    pairs: r.pairs.map((p) => pairView(p, s.alignments.get(p.canaryThread.tidKey)!)),
    unmappedCanary: r.unmappedCanary.map((t) => threadView('canary', t)),
    unmappedOurs: r.unmappedOurs.map((t) => threadView('ours', t)),
    warnings: [...r.warnings, ...readable.skipped, ...s.logNotes],
    place: placeView(s),
    bookmarks: readable.views,
    tidMapArg: tidMapArg(r),
    draft: draftOf(sessionsDb, s.id),
    baseline: s.triage.baselineView(sessionsDb),
  };
}

/** Where the user was, as a row of the view they were in (if that pair is still compared). */
function placeView(s: OpenSession): SessionView['place'] {
  const p = s.place;
  const a = p && s.alignments.get(p.pairKey);
  if (!p || !a) return null;
  const rows = a.rows(p.view);
  const pair = s.result.pairs.find((r) => r.canaryThread.tidKey === p.pairKey)!;
  const at = (log: RuledLog, threadNo: number, pos: number): number =>
    log.cmp.rules.ignoreKinds.length && !log.cmp.reference ? log.streamPos(threadNo, pos) : pos;
  return {
    pairKey: p.pairKey,
    view: p.view,
    row:
      p.canary !== null
        ? rows.rowOf('canary', at(s.canary, pair.canaryThread.threadNo, p.canary))
        : rows.rowOf('ours', at(s.ours, pair.oursThread.threadNo, p.ours!)),
  };
}

/** Save the session's settings (the logs, map, canonicalization, place). */
export function persistSession(s: OpenSession, sessionsDb: Db): void {
  upsertSession(sessionsDb, {
    sessionId: s.id,
    name: s.name,
    canaryPath: s.canary.path,
    canaryFingerprint: s.canary.log.fingerprint,
    canarySize: s.canary.log.size,
    oursPath: s.ours.path,
    oursFingerprint: s.ours.log.fingerprint,
    oursSize: s.ours.log.size,
    canonicalize: s.canonicalize,
    rules: rulesText(s.rules),
    tidMap: tidMapJson(s.tidPairs),
    tidMapReasons: tidMapReasonsJson(s.tidPairs),
    place: s.place,
  });
}

/** The session's rules as kept (a rules file), or null for the reference's. */
function rulesText(rules: RuleSet): string | null {
  return sameRules(rules, REFERENCE_RULES) ? null : printRules(rules);
}

/** Rules as kept by a session (null: the reference's); rules that cannot be read any more fall back to the reference's, said in `notes`. */
export function keptRules(text: string | null | undefined, notes: string[]): RuleSet {
  if (text === null || text === undefined) return REFERENCE_RULES;
  try {
    return parseRules(text, "the session's rules");
  } catch (e) {
    if (!(e instanceof RulesError)) throw e;
    notes.push(`${e.message}: the reference's rules are used instead`);
    return REFERENCE_RULES;
  }
}

export function closeSession(s: OpenSession): void {
  s.canary.close();
  s.ours.close();
}

/** The session as a portable file, with every bookmark and note. */
export function sessionFileOf(s: OpenSession, sessionsDb: Db, writtenBy: string): SessionFile {
  const placePair = s.place ? s.result.pairs.find((p) => p.canaryThread.tidKey === s.place!.pairKey) : undefined;
  return buildSessionFile({
    writtenBy,
    id: s.id,
    name: s.name,
    logs: {
      canary: { path: s.canary.path, fingerprint: s.canary.log.fingerprint, size: s.canary.log.size },
      ours: { path: s.ours.path, fingerprint: s.ours.log.fingerprint, size: s.ours.log.size },
    },
    canonicalize: s.canonicalize,
    rules: rulesText(s.rules),
    tidMap: tidMapJson(s.tidPairs),
    tidMapReasons: tidMapReasonsJson(s.tidPairs),
    place:
      s.place && placePair ? { canaryTid: jsonDumpsExact(placePair.canaryThread.tid), view: s.place.view, canary: s.place.canary, ours: s.place.ours } : null,
    bookmarks: readableBookmarks(s, sessionsDb).rows.map(portableBookmark),
  });
}

/** The sessions last opened, newest first (Open recent). */
export function recentEntries(sessionsDb: Db): RecentEntry[] {
  return recentSessions(sessionsDb).map((r) => ({
    sessionId: r.sessionId,
    name: r.name,
    canaryPath: r.canaryPath,
    oursPath: r.oursPath,
    openedAt: r.openedAt,
  }));
}

/** What opening a session needs of the workbench. */
export interface OpenContext extends RecomputeContext {
  readonly db: Db;
  readonly dbPath: string;
  readonly sessionsDb: Db;
  readonly sessions: Map<string, OpenSession>;
  readonly jobs: Map<string, AbortController>;
  readonly cancelledEarly: Map<string, number>;
  emit<E extends 'ingest/progress' | 'sessions/recent' | 'align/progress' | 'rules/progress'>(event: E, payload: Events[E]): void;
}

/** The session's settings to restore (a saved session, a session file), or none for a new one. */
export interface SavedSettings {
  sessionId?: string;
  name?: string;
  canonicalize?: boolean;
  /** The rules as kept (a rules file; null: the reference's). */
  rules?: string | null;
  tidMap?: [string, string][] | null;
  tidMapReasons?: StoredPairReason[] | null;
  place?: StoredPlace | null;
  /** The logs' fingerprints when the session last saw them: a log that changed since is said to have. */
  lastSeen?: { canary: string | null; ours: string | null };
  /** A log whose last line is cut short is used up to its last complete line (the user chose it). */
  acceptTruncated?: boolean;
}

function shortName(p: string): string {
  return p.split('/').pop() ?? p;
}

/**
 * Ingest (or reuse) both logs with progress under jobId, then diff them with
 * the session's settings; the session is kept open and saved.
 */
export async function openLogs(ctx: OpenContext, jobId: string, canaryPath: string, oursPath: string, saved: SavedSettings): Promise<OpenSession> {
  const job = startJob(ctx, jobId);
  try {
    const pair = await ingestPair(
      ctx.db,
      ctx.dbPath,
      { path: canaryPath, label: canaryPath },
      { path: oursPath, label: oursPath },
      {
        signal: job.signal,
        workerThreshold: 0, // always off the thread that answers requests
        acceptTruncated: saved.acceptTruncated ?? false,
        onProgress: (side, { reused, ...p }) => ctx.emit('ingest/progress', { jobId, side, phase: reused ? 'reused' : 'indexing', ...p }),
      },
    );
    if (job.signal.aborted) throw new IngestCancelled();
    for (const [side, log] of [
      ['canary', pair.canary],
      ['ours', pair.ours],
    ] as const) {
      ctx.emit('ingest/progress', { jobId, side, phase: 'comparing', bytesDone: log.size, bytesTotal: log.size, events: log.eventCount, elapsedMs: 0 });
    }
    const id = saved.sessionId ?? randomUUID();
    const logNotes: string[] = [];
    const canonicalize = saved.canonicalize ?? true;
    const cmp = comparisonOf(canonicalize, keptRules(saved.rules, logNotes));
    const s: OpenSession = {
      id,
      name: saved.name ?? `${shortName(canaryPath)} ↔ ${shortName(oursPath)}`,
      canary: new RuledLog(new IndexedLog(ctx.db, pair.canary, canaryPath, canaryPath), cmp),
      ours: new RuledLog(new IndexedLog(ctx.db, pair.ours, oursPath, oursPath), cmp),
      canonicalize,
      rules: cmp.rules,
      tidPairs: tidPairsFromJson(saved.tidMap ?? null, saved.tidMapReasons ?? null),
      proposal: null,
      mapHistory: [],
      result: undefined as never,
      alignments: new Map(),
      place: saved.place ?? null,
      logNotes,
      triage: new SessionTriage(storedChoice(ctx.sessionsDb, id)),
      changing: Promise.resolve(),
    };
    for (const [side, log, path] of [
      ['canary', pair.canary, canaryPath],
      ['ours', pair.ours, oursPath],
    ] as const) {
      const before = saved.lastSeen?.[side];
      if (before && before !== log.fingerprint) {
        s.logNotes.push(
          `${side} ${path} changed since this session last saw it: it was indexed again; bookmarks stay at their positions in the new log, check them`,
        );
      }
    }
    s.logNotes.push(...cutNotices(s));
    // Under rules that are not the reference's, the keys are derived first with 'rules/progress' under the open's job id.
    await recompute(
      ctx,
      s,
      {},
      { jobId, signal: job.signal, onDeriving: (done, total) => ctx.emit('rules/progress', { jobId, phase: 'deriving', done, total }) },
    );
    // The same session open before (opened again) answered requests until now.
    const previous = ctx.sessions.get(id);
    if (previous) closeSession(previous);
    ctx.sessions.set(id, s);
    persistSession(s, ctx.sessionsDb);
    s.triage.attach(s, ctx.sessionsDb, () => ctx.sessions.get(id) === s);
    ctx.emit('sessions/recent', { recent: recentEntries(ctx.sessionsDb) });
    return s;
  } finally {
    job.end();
  }
}

/**
 * Run long work under the client's job id: 'session/cancel' aborts `signal`;
 * a cancel that overtook the request on its way is honoured (IngestCancelled).
 * `end` forgets the job.
 */
export function startJob(ctx: Pick<OpenContext, 'jobs' | 'cancelledEarly'>, jobId: string): { signal: AbortSignal; end: () => void } {
  if (ctx.jobs.has(jobId)) throw new JobConflict(jobId);
  if (ctx.cancelledEarly.delete(jobId)) throw new IngestCancelled();
  const abort = new AbortController();
  ctx.jobs.set(jobId, abort);
  return { signal: abort.signal, end: () => ctx.jobs.delete(jobId) };
}

/** An open under a job id that is already running. */
export class JobConflict extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} is already running`);
  }
}
