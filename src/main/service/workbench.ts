// The workbench's one implementation of the contract (src/shared/api.ts).
// Plain Node: the Electron shell and `lockstep serve` both carry it, the tests
// drive it directly. Long work (ingest) runs in worker threads and streams
// progress; everything else answers from the index in milliseconds.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  ApiError,
  AppInfo,
  EventName,
  Events,
  RequestArg,
  RequestName,
  RequestResult,
  Result,
  RowView,
  SessionView,
} from '../../shared/api';
import { checkRequest } from '../../shared/validate';
import { compareEvents, type FieldDifference } from '../diff/compareEvents';
import { DiffOptionError, diffLogs, NoTidMapping, type DiffResult } from '../diff/diffLogs';
import { equalByHash, firstDivergence, lastDivergence, type ThreadSide } from '../diff/firstDivergence';
import { IndexedLog } from '../diff/indexedLog';
import type { TidPair } from '../diff/tidMap';
import { ingestPair } from '../ingest/ingestPair';
import { IngestCancelled, LogInputError } from '../ingest/logErrors';
import { pyJsonLoads } from '../py/parse';
import { PyError } from '../py/value';
import { assertEncodable, renderReferenceReport } from '../report/referenceMarkdown';
import { openDb, type Db } from '../store/db';
import { removeAbandonedLogs } from '../store/logIndex';
import { findSessionByPaths, getSession, recentSessions, setSessionPlace, upsertSession } from '../store/sessions';
import { eventView, logView, pairView, rowView, threadView } from './views';

export interface WorkbenchOptions {
  /** Where the index and sessions live (index.sqlite). */
  dataDir: string;
  host: 'electron' | 'browser';
  version: string;
  demo: { canaryPath: string; oursPath: string } | null;
  nativeBinding?: string;
}

class RequestError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}
const notFound = (what: string): RequestError => new RequestError({ code: 'not-found', message: what });

interface OpenSession {
  id: string;
  name: string;
  canary: IndexedLog;
  ours: IndexedLog;
  canonicalize: boolean;
  tidPairs: TidPair[] | null;
  result: DiffResult;
  place: { pairKey: string; position: number } | null;
}

type Handlers = { [K in RequestName]: (arg: RequestArg<K>) => Promise<RequestResult<K>> | RequestResult<K> };

export class Workbench {
  readonly db: Db;
  readonly dbPath: string;
  private readonly sessions = new Map<string, OpenSession>();
  private readonly jobs = new Map<string, AbortController>();
  private readonly listeners = new Set<(event: EventName, payload: Events[EventName]) => void>();

  constructor(private readonly opts: WorkbenchOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
    this.dbPath = join(opts.dataDir, 'index.sqlite');
    this.db = openDb(this.dbPath, { nativeBinding: opts.nativeBinding });
    removeAbandonedLogs(this.db);
  }

  onEvent(listener: (event: EventName, payload: Events[EventName]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners) l(event, payload);
  }

  /** Validate and run one request; every failure comes back as data. */
  async handle(name: unknown, arg: unknown): Promise<Result<unknown>> {
    const checked = checkRequest(name, arg);
    if (!checked.ok) return { ok: false, error: { code: 'bad-request', message: checked.message } };
    try {
      const handler = this.handlers[checked.name] as (a: unknown) => unknown;
      return { ok: true, value: await handler(checked.arg) };
    } catch (e) {
      return { ok: false, error: toApiError(e) };
    }
  }

  close(): void {
    for (const c of this.jobs.values()) c.abort();
    for (const s of this.sessions.values()) {
      s.canary.close();
      s.ours.close();
    }
    this.db.close();
  }

  private session(id: string): OpenSession {
    const s = this.sessions.get(id);
    if (!s) throw notFound(`no open session ${id}`);
    return s;
  }

  private pair(s: OpenSession, pairKey: string): { c: ThreadSide; o: ThreadSide; total: number; n: number } {
    const p = s.result.pairs.find((r) => r.canaryThread.tidKey === pairKey);
    if (!p) throw notFound(`no pair ${pairKey} in this session`);
    return {
      c: { log: s.canary, thread: p.canaryThread },
      o: { log: s.ours, thread: p.oursThread },
      total: Math.max(p.canaryTotal, p.oursTotal),
      n: Math.min(p.canaryTotal, p.oursTotal),
    };
  }

  private view(s: OpenSession): SessionView {
    const r = s.result;
    return {
      id: s.id,
      name: s.name,
      canary: logView('canary', s.canary),
      ours: logView('ours', s.ours),
      canonicalize: s.canonicalize,
      manualMap: s.tidPairs !== null,
      pairs: r.pairs.map(pairView),
      unmappedCanary: r.unmappedCanary.map((t) => threadView('canary', t)),
      unmappedOurs: r.unmappedOurs.map((t) => threadView('ours', t)),
      warnings: r.warnings,
      place: s.place,
    };
  }

  private compute(s: Pick<OpenSession, 'canary' | 'ours' | 'canonicalize' | 'tidPairs'>): DiffResult {
    try {
      return diffLogs(s.canary, s.ours, { canonicalize: s.canonicalize, tidPairs: s.tidPairs });
    } catch (e) {
      if (!(e instanceof NoTidMapping)) throw e;
      // Not fatal here: the user can pair threads by hand.
      return {
        pairs: [],
        warnings: [e.message],
        unmappedCanary: s.canary.threads,
        unmappedOurs: s.ours.threads,
        canonicalize: s.canonicalize,
      };
    }
  }

  private readonly handlers: Handlers = {
    'app/info': (): AppInfo => ({
      version: this.opts.version,
      host: this.opts.host,
      demo: this.opts.demo,
      recent: recentSessions(this.db).map((r) => ({
        sessionId: r.sessionId,
        name: r.name,
        canaryPath: r.canaryPath,
        oursPath: r.oursPath,
        openedAt: r.openedAt,
      })),
    }),

    'session/open': async ({ jobId, canaryPath, oursPath, canonicalize }) => {
      if (this.jobs.has(jobId)) throw new RequestError({ code: 'conflict', message: `job ${jobId} is already running` });
      const abort = new AbortController();
      this.jobs.set(jobId, abort);
      try {
        const cPath = resolve(canaryPath);
        const oPath = resolve(oursPath);
        const pair = await ingestPair(
          this.db,
          this.dbPath,
          { path: cPath, label: cPath },
          { path: oPath, label: oPath },
          {
            signal: abort.signal,
            workerThreshold: 0, // always off the thread that answers requests
            nativeBinding: this.opts.nativeBinding,
            onProgress: (side, p) => this.emit('ingest/progress', { jobId, side, ...p }),
          },
        );
        if (abort.signal.aborted) throw new IngestCancelled();
        const saved = findSessionByPaths(this.db, cPath, oPath);
        const id = saved?.sessionId ?? randomUUID();
        this.sessions.get(id)?.canary.close();
        this.sessions.get(id)?.ours.close();
        const s: OpenSession = {
          id,
          name: saved?.name ?? `${shortName(cPath)} ↔ ${shortName(oPath)}`,
          canary: new IndexedLog(this.db, pair.canary, cPath, cPath),
          ours: new IndexedLog(this.db, pair.ours, oPath, oPath),
          canonicalize: canonicalize ?? saved?.canonicalize ?? true,
          tidPairs: saved?.tidMap ? saved.tidMap.map(([c, o]) => ({ canaryTid: pyJsonLoads(c), oursTid: pyJsonLoads(o), reason: { by: 'manual' } })) : null,
          result: undefined as unknown as DiffResult,
          place: saved?.place ?? null,
        };
        s.result = this.compute(s);
        this.sessions.set(id, s);
        upsertSession(this.db, {
          sessionId: id,
          name: s.name,
          canaryPath: cPath,
          canaryFingerprint: pair.canary.fingerprint,
          canarySize: pair.canary.size,
          oursPath: oPath,
          oursFingerprint: pair.ours.fingerprint,
          oursSize: pair.ours.size,
          canonicalize: s.canonicalize,
          tidMap: saved?.tidMap ?? null,
          place: s.place,
        });
        return this.view(s);
      } finally {
        this.jobs.delete(jobId);
      }
    },

    'session/cancel': ({ jobId }) => {
      const job = this.jobs.get(jobId);
      job?.abort();
      return { cancelled: job !== undefined };
    },

    'session/get': ({ sessionId }) => this.view(this.session(sessionId)),

    'session/place': ({ sessionId, pairKey, position }) => {
      const s = this.session(sessionId);
      this.pair(s, pairKey);
      s.place = { pairKey, position };
      setSessionPlace(this.db, sessionId, s.place);
      return { saved: true as const };
    },

    'diff/rows': ({ sessionId, pairKey, from, count }) => {
      const s = this.session(sessionId);
      const { c, o, total } = this.pair(s, pairKey);
      const rows: RowView[] = [];
      for (let pos = from; pos < Math.min(total, from + count); pos++) {
        const hasC = pos < c.thread.eventCount;
        const hasO = pos < o.thread.eventCount;
        const ce = hasC ? c.log.event(c.thread.threadNo, pos, s.canonicalize) : null;
        const oe = hasO ? o.log.event(o.thread.threadNo, pos, s.canonicalize) : null;
        let difference: FieldDifference | { field: 'error'; description: string } | null = null;
        if (ce && oe && equalByHash(c, o, pos, s.canonicalize) !== true) {
          try {
            difference = compareEvents(ce, oe);
          } catch (e) {
            if (!(e instanceof PyError)) throw e;
            difference = { field: 'error', description: `the reference cannot compare these events (${e.message})` };
          }
        }
        rows.push(
          rowView(
            pos,
            ce && eventView(ce, pos, c.log.lineNumber(c.thread.threadNo, pos)),
            oe && eventView(oe, pos, o.log.lineNumber(o.thread.threadNo, pos)),
            difference,
          ),
        );
      }
      return { total, rows };
    },

    'diff/jump': ({ sessionId, pairKey, side, tidEventIdx }) => {
      const s = this.session(sessionId);
      const { c, o } = this.pair(s, pairKey);
      const t = side === 'canary' ? c : o;
      return { position: Math.min(t.log.positionOfIdx(t.thread.threadNo, tidEventIdx), Math.max(0, t.thread.eventCount - 1)) };
    },

    'diff/seek': ({ sessionId, pairKey, from, direction }) => {
      const s = this.session(sessionId);
      const { c, o, n, total } = this.pair(s, pairKey);
      if (direction === 1) {
        const start = from + 1;
        if (start < n) {
          const d = firstDivergence(c, o, s.canonicalize, start, n);
          if (d) return { position: d.position };
        }
        const onlyOne = Math.max(start, n);
        return { position: onlyOne < total ? onlyOne : null };
      }
      const start = Math.min(from - 1, total - 1);
      if (start < 0) return { position: null };
      if (start >= n) return { position: start };
      const d = lastDivergence(c, o, s.canonicalize, start, 0);
      return { position: d ? d.position : null };
    },

    'report/export': ({ sessionId, format, path }) => {
      const s = this.session(sessionId);
      if (format !== 'reference-md') throw new RequestError({ code: 'bad-request', message: `unknown format ${format}` });
      const text = renderReferenceReport(s.result);
      assertEncodable(text);
      if (path) writeFileSync(path, text, 'utf8');
      return { text, path: path ?? null };
    },
  };
}

function shortName(p: string): string {
  return p.split('/').pop() ?? p;
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof RequestError) return e.error;
  if (e instanceof LogInputError) return { code: 'input', message: e.message, detail: { file: e.file, line: e.line } };
  if (e instanceof IngestCancelled) return { code: 'cancelled', message: 'cancelled: nothing of this ingest was kept' };
  if (e instanceof NoTidMapping) return { code: 'no-mapping', message: e.message };
  if (e instanceof DiffOptionError || e instanceof PyError) return { code: 'input', message: e.message };
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT' || err?.code === 'EACCES' || err?.code === 'EISDIR') {
    return { code: 'input', message: err.message };
  }
  return { code: 'internal', message: `internal error: ${err?.message ?? String(e)}` };
}
