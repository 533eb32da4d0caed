// Messages between an ingest worker and the thread that owns the index. The
// worker only reads the log and packs blocks; the owner writes them, so that
// two workers never contend for SQLite's write lock.
import type { FileFingerprint, LogStats, ThreadRow } from '../store/logIndex';
import type { FieldDictChunk } from '../store/fieldBlocks';
import type { BlockRecord } from '../store/logWriter';
import type { ThreadFeatureRecord } from '../store/threadFeatures';
import type { IngestProgress } from './ingestLog';

export interface WorkerRequest {
  path: string;
  label: string;
  fingerprint: FileFingerprint;
  /** The index's hash secret (16 bytes): the worker keys every hash with it. */
  secret: Uint8Array;
  /** Int32 flag: non-zero asks the worker to stop. */
  cancelFlag: SharedArrayBuffer;
  /** A last line cut short is left out, not refused. */
  acceptTruncated: boolean;
  /** Where a compressed log's decompressed copy is written (store/readBackCopies.ts); null for a plain log. */
  copyTo: string | null;
  /** Where pending events are spilled past the arena's budget (the index's directory). */
  spillDir: string;
  /** Int32 count of 'blocks' messages posted and not yet written: the worker waits while it is at MAX_IN_FLIGHT. */
  inFlight: SharedArrayBuffer;
}

/**
 * Batches of blocks a worker may have waiting for the writer: without a bound a
 * worker that reads faster than the owner writes (or that flushes a thousand
 * threads' partial blocks at the end) queues them all as copies in the owner's memory.
 */
export const MAX_IN_FLIGHT = 4;

export type WorkerReply =
  | { type: 'progress'; progress: IngestProgress }
  | { type: 'blocks'; records: BlockRecord[]; chunks: FieldDictChunk[] }
  | { type: 'features'; records: ThreadFeatureRecord[] }
  | { type: 'finish'; threads: ThreadRow[]; stats: LogStats }
  | { type: 'input-error'; file: string; line: number | null; reason: string; cut: boolean }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string; stack: string; code?: string };
