// One host per data directory. Two hosts on one directory keep bookmarks
// consistent (SQLite serializes them) but not session settings: one host's
// manual map was silently replaced by the other's canonicalize toggle, each
// writing what it held in memory. So the second host refuses, in one line
// that names the first. A lock whose process is gone (a crash, kill -9) is
// stale and taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirInUse extends Error {}

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/** Directories locked by this process (a second Workbench here on the same directory is refused too). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof v.pid === 'number' ? { pid: v.pid, host: String(v.host ?? 'lockstep'), since: String(v.since ?? '?') } : null;
  } catch {
    return null;
  }
}

/** Take the data directory for this host; returns the release. */
export function lockDataDir(dir: string, host: string): () => void {
  const path = join(dir, 'lockstep.lock');
  if (held.has(path)) throw inUse(dir, path, { pid: process.pid, host, since: 'earlier in this process' });
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const other = readLock(path);
      // A lock being written this instant reads as nothing: look again before calling it stale.
      if (other === null && attempt === 0) continue;
      if (other && other.pid !== process.pid && alive(other.pid)) throw inUse(dir, path, other);
      rmSync(path, { force: true });
      continue;
    }
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, host, since: new Date().toISOString() }) + '\n');
    } finally {
      closeSync(fd);
    }
    held.add(path);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      held.delete(path);
      if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
      process.off('exit', release);
    };
    process.on('exit', release);
    return release;
  }
  throw inUse(dir, path, readLock(path) ?? { pid: 0, host: 'lockstep', since: '?' });
}

function inUse(dir: string, path: string, other: LockInfo): DataDirInUse {
  return new DataDirInUse(
    `the data directory ${dir} is in use by another Lockstep (${other.host}, pid ${other.pid}, since ${other.since}); close that one, or give this one another --data-dir (if none is running, delete ${path})`,
  );
}
