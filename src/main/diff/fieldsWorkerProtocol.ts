// Messages between the thread that answers requests and a worker reading what
// a rule change needs of one log's index (fieldsWorker.ts, fieldsLoader.ts).
import type { FieldBlock, FieldDictionary } from '../store/fieldBlocks';
import type { RuleSet } from '../rules/ruleSet';
import type { DerivedThread } from './derivedThread';
import type { BaseColumns } from './ruledLog';

export interface FieldsRequest {
  dbPath: string;
  /** better-sqlite3's binding for the running runtime (Electron's differs from Node's). */
  nativeBinding?: string;
  logId: number;
  threads: { threadNo: number; eventCount: number }[];
  /** Which keys the columns hold: allocator returns canonicalized or not. */
  canonicalize: boolean;
  /** Derive each thread's stream under these rules too (with `canonicalize`), while the other log is read elsewhere. */
  rules: RuleSet | null;
}

export type FieldsReply =
  /** The log's field dictionary (in shared memory): first, before any thread. */
  | { type: 'dictionary'; dict: FieldDictionary }
  /** A thread's field blocks (transferred), key columns (shared memory) and, when asked, its stream under the rules. */
  | { type: 'thread'; threadNo: number; blocks: FieldBlock[]; columns: BaseColumns; derived: DerivedThread | null }
  | { type: 'done' }
  | { type: 'failed'; message: string };
