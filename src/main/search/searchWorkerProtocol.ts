// Messages between a search index worker and the thread that owns the index.
// The worker reads (the log, and the event index through a read-only
// connection); the owner writes the columns it is sent, so that no two
// threads contend for SQLite's write lock.
import type { SearchColumnRow, SearchSegmentRow } from '../store/searchIndex';
import type { SearchBuildProgress } from './buildColumns';

export interface SearchWorkerRequest {
  dbPath: string;
  nativeBinding?: string;
  logId: number;
  /** Where the log is read from now. */
  path: string;
  /** Int32 flag: non-zero asks the worker to stop. */
  cancelFlag: SharedArrayBuffer;
  /** Int32 count of 'columns' messages posted and not yet written: the worker waits while it is at MAX_IN_FLIGHT. */
  inFlight: SharedArrayBuffer;
}

/** Batches of columns a worker may have waiting for the writer (each a few MiB). */
export const MAX_IN_FLIGHT = 3;

export type SearchWorkerReply =
  | { type: 'progress'; progress: SearchBuildProgress }
  | { type: 'columns'; columns: SearchColumnRow[]; segments: SearchSegmentRow[] }
  | { type: 'done'; events: number }
  | { type: 'changed'; what: string; line: number | null }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string; stack: string };
