// A log given as a pipe (`--canary <(zcat a.jsonl.gz)`) is read once, as the
// reference reads it, into a temporary copy that the index can read back from;
// the copy goes when the command ends. Regular files are used where they are.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fsPath } from '../py/codecs';

let dir: string | null = null;

function spoolDir(): string {
  if (dir === null) {
    dir = mkdtempSync(join(tmpdir(), 'lockstep-pipe-'));
    const d = dir;
    process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  return dir;
}

/** The path to read `path` from: itself when it is a regular file (or missing: the ingest says so), else a copy of what the pipe gave. */
export async function readablePath(path: string, side: string): Promise<string> {
  let st;
  try {
    st = statSync(fsPath(path));
  } catch {
    return path;
  }
  if (st.isFile() || st.isDirectory()) return path;
  const copy = join(spoolDir(), `${side}.jsonl`);
  await pipeline(createReadStream(fsPath(path)), createWriteStream(copy));
  return copy;
}
