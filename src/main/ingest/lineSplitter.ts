// Streams a file as lines the way Python's text mode reads it (universal
// newlines: "\n", "\r\n" and a lone "\r" each end a line), in large chunks,
// never holding more than one chunk (or one line, if longer) in memory.
// Checks UTF-8 validity as Python's strict decoder would. A compressed log is
// split the same way, in its decompressed bytes (logBytes.ts).
import { isUtf8 } from 'node:buffer';
import { openLogBytes, type LogBytes } from './logBytes';

export const CHUNK_BYTES = 4 << 20;

export interface LineVisitor {
  /** One line: bytes [start, end) of `buf`, without its terminator. */
  line(buf: Buffer, start: number, end: number, fileOffset: number, lineNo: number): void;
  /** A line holds bytes that are not UTF-8 (reported before any later line); it may be skipped (a cut last line). */
  invalidUtf8(lineNo: number, fileOffset: number, length: number): 'skip';
  /** After each chunk: bytes consumed so far; may throw to stop. */
  progress(bytesDone: number): void;
  /** The end is reached: the log's size in bytes, told before its last lines are visited. */
  end?(size: number): void;
}

/** Visit every line of the file (decompressed, if it is compressed); returns the number of bytes read. */
export function splitLines(path: string, visitor: LineVisitor, chunkBytes = CHUNK_BYTES): number {
  const bytes = openLogBytes(path);
  try {
    return splitLogBytes(bytes, visitor, chunkBytes);
  } finally {
    bytes.close();
  }
}

/** Visit every line of a log's bytes; returns the number of bytes read. */
export function splitLogBytes(bytes: LogBytes, visitor: LineVisitor, chunkBytes = CHUNK_BYTES): number {
  let buf = Buffer.allocUnsafe(chunkBytes);
  let filled = 0; // bytes of buf in use
  let bufOffset = 0; // file offset of buf[0]
  let lineNo = 0;
  let eof = false;
  let starts = new Int32Array(1024);
  let ends = new Int32Array(1024);

  while (!eof) {
    const n = bytes.read(buf, filled, buf.length - filled);
    if (n === 0) eof = true;
    filled += n;
    if (eof) visitor.end?.(bufOffset + filled);

    // Pass 1: line boundaries in the complete part of the buffer.
    let count = 0;
    let pos = 0;
    const view = buf.subarray(0, filled);
    // The next "\n" and "\r" at or after pos, kept between lines so that a file
    // with one kind of terminator never rescans for the other.
    let lf = view.indexOf(10);
    let crAt = view.indexOf(13);
    for (;;) {
      let end: number;
      let next: number;
      if (lf !== -1 && lf < pos) lf = view.indexOf(10, pos);
      if (crAt !== -1 && crAt < pos) crAt = view.indexOf(13, pos);
      if (crAt !== -1 && (lf === -1 || crAt < lf)) {
        if (crAt + 1 < filled) {
          end = crAt;
          next = buf[crAt + 1] === 10 ? crAt + 2 : crAt + 1;
        } else if (eof) {
          end = crAt;
          next = crAt + 1;
        } else break; // a "\r" at the chunk's end: wait to see whether "\n" follows
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else if (eof && pos < filled) {
        end = filled;
        next = filled;
      } else break;
      if (count === starts.length) {
        const s2 = new Int32Array(count * 2);
        s2.set(starts);
        starts = s2;
        const e2 = new Int32Array(count * 2);
        e2.set(ends);
        ends = e2;
      }
      starts[count] = pos;
      ends[count] = end;
      count++;
      pos = next;
    }

    // Pass 2: the lines, once the bytes they span are known to be UTF-8.
    const valid = isUtf8(view.subarray(0, pos));
    for (let i = 0; i < count; i++) {
      const s = starts[i]!;
      const e = ends[i]!;
      lineNo++;
      if (!valid && !isUtf8(buf.subarray(s, e)) && visitor.invalidUtf8(lineNo, bufOffset + s, e - s) === 'skip') continue;
      visitor.line(buf, s, e, bufOffset + s, lineNo);
    }

    // Keep the incomplete tail for the next read; grow for a line longer than the buffer.
    if (pos > 0) buf.copy(buf, 0, pos, filled);
    bufOffset += pos;
    filled -= pos;
    if (filled === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    }
    visitor.progress(bufOffset);
  }
  return bufOffset;
}
