// Worker-thread entry: reads and indexes one log, posting packed blocks to
// the thread that owns the index (no SQLite here), with progress, so the
// thread that answers users stays free.
import { parentPort, workerData } from 'node:worker_threads';
import type { FieldBlockBuilder, FieldDictChunk } from '../store/fieldBlocks';
import { BATCH, blockRecord, type BlockRecord, type LogSink } from '../store/logWriter';
import { scanLog } from './ingestLog';
import { CutLogError, IngestCancelled, LogInputError } from './logErrors';
import { MAX_IN_FLIGHT, type WorkerReply, type WorkerRequest } from './workerProtocol';

const req = workerData as WorkerRequest;
const cancelled = new Int32Array(req.cancelFlag);
const isCancelled = (): boolean => Atomics.load(cancelled, 0) !== 0;
const inFlight = new Int32Array(req.inFlight);
const post = (m: WorkerReply): void => parentPort!.postMessage(m);

/** Batches blocks into messages; postMessage copies them, so the BLOB buffers are reused. */
class PostingSink implements LogSink {
  private pending: BlockRecord[] = [];
  private chunks: FieldDictChunk[] = [];
  private readonly buffers: Buffer[] = [];
  private readonly fieldBuffers: Buffer[] = [];

  addBlock(
    threadNo: number,
    blockNo: number,
    builder: Parameters<LogSink['addBlock']>[2],
    chunks: Parameters<LogSink['addBlock']>[3],
    fields: FieldBlockBuilder,
  ): void {
    const slot = this.pending.length;
    let buf = this.buffers[slot];
    if (!buf || buf.length < builder.blobSize()) this.buffers[slot] = buf = Buffer.allocUnsafe(builder.blobSize());
    let fbuf = this.fieldBuffers[slot];
    if (!fbuf || fbuf.length < fields.blobSize()) this.fieldBuffers[slot] = fbuf = Buffer.allocUnsafe(fields.blobSize());
    this.pending.push(blockRecord(threadNo, blockNo, builder, chunks, fields, buf, fbuf));
    if (this.pending.length >= BATCH) this.flush();
  }

  addFieldChunk(chunk: FieldDictChunk): void {
    this.chunks.push(chunk);
  }

  flush(): void {
    if (this.pending.length === 0 && this.chunks.length === 0) return;
    // Wait for the writer rather than queue copies of every block in its memory (it answers within a batch's write).
    for (let n = Atomics.load(inFlight, 0); n >= MAX_IN_FLIGHT; n = Atomics.load(inFlight, 0)) {
      Atomics.wait(inFlight, 0, n, 100);
      if (isCancelled()) throw new IngestCancelled();
    }
    Atomics.add(inFlight, 0, 1);
    post({ type: 'blocks', records: this.pending, chunks: this.chunks });
    this.pending = [];
    this.chunks = [];
  }

  addThreadFeatures(records: Parameters<LogSink['addThreadFeatures']>[0]): void {
    this.flush();
    post({ type: 'features', records });
  }

  finish(threads: Parameters<LogSink['finish']>[0], stats: Parameters<LogSink['finish']>[1]): void {
    this.flush();
    post({ type: 'finish', threads, stats });
  }
}

try {
  let last = 0;
  scanLog(
    req.path,
    req.label,
    req.fingerprint,
    req.secret,
    new PostingSink(),
    {
      isCancelled,
      acceptTruncated: req.acceptTruncated,
      spillDir: req.spillDir,
      onProgress: (p) => {
        const now = Date.now();
        if (now - last >= 100 || p.bytesDone === p.bytesTotal) {
          last = now;
          post({ type: 'progress', progress: p });
        }
      },
    },
    req.copyTo,
  );
} catch (e) {
  if (e instanceof LogInputError) post({ type: 'input-error', file: e.file, line: e.line, reason: e.reason, cut: e instanceof CutLogError });
  else if (e instanceof IngestCancelled) post({ type: 'cancelled' });
  // The code says what went wrong to the owner (ENOSPC writing a decompressed copy: no room, exit 74).
  else post({ type: 'failed', message: (e as Error).message, stack: (e as Error).stack ?? '', code: (e as NodeJS.ErrnoException).code });
}
