// Messages between an ingest worker and the thread that started it.
import type { FileFingerprint } from './fingerprint';
import type { IngestProgress } from './ingestLog';

export interface WorkerRequest {
  dbPath: string;
  path: string;
  label: string;
  fingerprint: FileFingerprint;
  /** Int32 flag: non-zero asks the worker to stop and discard its partial index. */
  cancelFlag: SharedArrayBuffer;
  nativeBinding?: string;
}

export type WorkerReply =
  | { type: 'progress'; progress: IngestProgress }
  | { type: 'done'; logId: number; reused: boolean }
  | { type: 'input-error'; file: string; line: number | null; reason: string }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string; stack: string };
