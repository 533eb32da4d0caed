// Synchronous writes to stdout/stderr: a report is complete before the process
// exits, and a closed pipe (`| head`) ends the command quietly. Text that
// holds lone surrogates (a path that is not UTF-8, a JSON "\udcff" in a log)
// is written as python3 writes it: stderr with "backslashreplace", the
// reference's report on stdout with the handler python3 would use here
// (py/stdio.ts).
import { writeSync } from 'node:fs';
import { encodeUtf8, type PyEncodeErrors } from '../py/codecs';

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') return;
      throw e;
    }
  }
}

/**
 * Write `text` to stdout. With `errors`, encoded as Python's str.encode would
 * (the whole text first: a UnicodeEncodeError leaves stdout untouched, as it
 * does in Python); without, as UTF-8 (Lockstep's own output).
 */
export function writeStdout(text: string, errors?: PyEncodeErrors): void {
  writeAll(1, errors === undefined ? Buffer.from(text, 'utf8') : encodeUtf8(text, errors));
}

export function writeStderr(text: string): void {
  writeAll(2, encodeUtf8(text, 'backslashreplace'));
}
