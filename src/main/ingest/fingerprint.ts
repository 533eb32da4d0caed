// Identifies a log's content cheaply, without reading gigabytes: its size, its
// first and last MiB, and 64 samples spread across it. Together with the
// modification time this decides whether an existing index can be reused
// (a changed file that kept size, mtime and all samples is beyond reason).
// A compressed log is fingerprinted in its own (compressed) bytes: rewritten,
// they change as a plain log's do; its first bytes say how it is compressed.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FileFingerprint } from '../store/logIndex';
import { detectCompression } from './logBytes';
import { fsPath } from '../py/codecs';

const EDGE = 1 << 20;
const SAMPLES = 64;
const SAMPLE = 4096;

export function fingerprintFile(path: string): FileFingerprint {
  const abs = resolve(path);
  // stat, not open, first: opening a FIFO blocks until someone writes to it, and freezes the host.
  const at = fsPath(abs);
  if (!statSync(at).isFile()) throw Object.assign(new Error('not a regular file'), { code: statSync(at).isDirectory() ? 'EISDIR' : 'ENOTFILE' });
  const fd = openSync(at, 'r');
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    const size = st.size;
    const h = createHash('sha256');
    h.update(`lockstep-fp-1:${size}:`);
    const buf = Buffer.allocUnsafe(EDGE);
    const head = Buffer.alloc(4);
    const compression = detectCompression(head.subarray(0, readSync(fd, head, 0, 4, 0)));
    const take = (at: number, n: number): void => {
      const got = readSync(fd, buf, 0, n, at);
      h.update(buf.subarray(0, got));
    };
    if (size <= 2 * EDGE + SAMPLES * SAMPLE) {
      for (let at = 0; at < size; at += EDGE) take(at, Math.min(EDGE, size - at));
    } else {
      take(0, EDGE);
      for (let i = 1; i <= SAMPLES; i++) take(Math.floor((size * i) / (SAMPLES + 1)), SAMPLE);
      take(size - EDGE, EDGE);
    }
    return { path: abs, size, mtimeMs: st.mtimeMs, fingerprint: h.digest('hex'), compression };
  } finally {
    closeSync(fd);
  }
}
