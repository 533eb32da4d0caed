// What the request handlers share: the databases, the open sessions, the
// running jobs, and the pushed-event channel.
import type { ApiError, BookmarkView, EventName, Events, RequestArg, RequestName, RequestResult, ViewMode } from '../../shared/api';
import type { ThreadSide } from '../diff/firstDivergence';
import type { Db } from '../store/db';
import type { OpenSession } from './openSession';
import type { PairAlignment, PairRowsModel } from './pairRows';

export interface WorkbenchOptions {
  /** Where the index (index.sqlite) and the sessions (sessions.sqlite) live. */
  dataDir: string;
  host: 'electron' | 'browser';
  version: string;
  demo: { canaryPath: string; oursPath: string } | null;
  nativeBinding?: string;
}

export interface PairSides {
  c: ThreadSide;
  o: ThreadSide;
  alignment: PairAlignment;
  /** Rows in the pair (the longer thread). */
  total: number;
  /** Positions both threads have. */
  n: number;
}

export interface WorkbenchContext {
  readonly opts: WorkbenchOptions;
  readonly db: Db;
  readonly dbPath: string;
  readonly sessionsDb: Db;
  /** One line each: what was done at start about a damaged database. */
  readonly notices: readonly string[];
  readonly sessions: Map<string, OpenSession>;
  readonly jobs: Map<string, AbortController>;
  /** Jobs cancelled before their open arrived (ids with the time of the cancel). */
  readonly cancelledEarly: Map<string, number>;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  session(id: string): OpenSession;
  pair(s: OpenSession, pairKey: string): PairSides;
  /** The session's bookmarks on a pair. */
  bookmarksOf(s: OpenSession, pairKey: string): BookmarkView[];
  /** A pair's rows in a view (not-found when the pair is not compared). */
  pairRows(s: OpenSession, pairKey: string, view: ViewMode): PairRowsModel;
}

export type Handlers<K extends RequestName = RequestName> = {
  [P in K]: (arg: RequestArg<P>) => Promise<RequestResult<P>> | RequestResult<P>;
};

/** A request that cannot be served, as the contract's error data. */
export class RequestError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

export const notFound = (what: string): RequestError => new RequestError({ code: 'not-found', message: what });
