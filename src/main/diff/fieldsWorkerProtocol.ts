// Messages between the thread that answers requests and a worker reading what
// a rule change needs of one log's index (fieldsWorker.ts, fieldsLoader.ts).
import type { FieldBlock, FieldDictionary } from '../store/fieldBlocks';
import type { BaseColumns } from './ruledLog';

export interface FieldsRequest {
  dbPath: string;
  /** better-sqlite3's binding for the running runtime (Electron's differs from Node's). */
  nativeBinding?: string;
  logId: number;
  threads: { threadNo: number; eventCount: number }[];
  /** Which keys the columns hold: allocator returns canonicalized or not. */
  canonicalize: boolean;
}

export type FieldsReply =
  /** The log's field dictionary (its arrays transferred): first, before any thread. */
  | { type: 'dictionary'; dict: FieldDictionary }
  /** A thread's field blocks (transferred) and key columns (shared memory). */
  | { type: 'thread'; threadNo: number; blocks: FieldBlock[]; columns: BaseColumns }
  | { type: 'done' }
  | { type: 'failed'; message: string };
