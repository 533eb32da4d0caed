// Messages between the thread that answers requests and an alignment worker.
// The worker reads the index on its own connection (read only) and aligns the
// pairs it is given, one after the other; the owner keeps the results.
import type { StreamParts } from '../diff/ruledLog';
import type { RuleSet } from '../rules/ruleSet';
import type { Alignment } from '../store/alignments';

/** One pair to align: both threads, by log and thread number, with their lengths. */
export interface PairToAlign {
  canaryLog: number;
  canaryThread: number;
  canaryEvents: number;
  oursLog: number;
  oursThread: number;
  oursEvents: number;
}

export interface AlignRequest {
  dbPath: string;
  /** better-sqlite3's binding for the running runtime (Electron's differs from Node's). */
  nativeBinding?: string;
  canonicalize: boolean;
  /** The session's rules (the comparison the streams were derived under). */
  rules: RuleSet;
  pairs: PairToAlign[];
  /**
   * Under other rules than the reference's, every thread's stream as the
   * owning thread derived it (keys derived once per rule set, there): the
   * worker reads them instead of deriving again.
   */
  streams: { logId: number; threadNo: number; parts: StreamParts }[];
}

export type AlignReply =
  /** Pair `index` is being walked: `eventsDone` of its events (both sides) are behind the walk. */
  | { type: 'progress'; index: number; eventsDone: number }
  | { type: 'aligned'; index: number; alignment: Alignment }
  | { type: 'failed'; message: string; stack: string; code: string | null; damaged: boolean };
