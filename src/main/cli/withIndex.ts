// The index a command works on, recovered when damaged and given back when
// the disk is full. The index is a cache: a damaged kept index (--db) is
// removed and rebuilt from the logs, once, with one line saying so; a command
// that finds no room removes what it wrote (or, when the disk allows not even
// that, the index itself) and says so in one line. The user's work never
// lives in it.
import { DiffOptionError } from '../diff/diffLogs';
import { hasLoneSurrogate } from '../py/value';
import { isDamage } from '../store/db';
import { damagedIndexMessage, openIndex, removeIndexFiles, type IndexHandle } from '../store/indexLocation';
import { reclaimSpace } from '../store/logWriter';
import { noSpace, NoSpaceError } from '../store/noSpace';
import { writeStderr } from './output';

export async function withIndex(keepAt: string | null, body: (index: IndexHandle) => Promise<number>): Promise<number> {
  if (keepAt !== null && hasLoneSurrogate(keepAt)) {
    // SQLite takes file names as UTF-8 text: a name with other bytes would open another file.
    throw new DiffOptionError(`--db: ${keepAt}: the name is not UTF-8, which SQLite cannot open; keep the index under another name`);
  }
  for (let attempt = 0; ; attempt++) {
    const index = openIndex(keepAt);
    if (index.rebuilt) writeStderr(`lockstep: ${index.rebuilt}\n`);
    let damaged: unknown;
    try {
      return await body(index);
    } catch (e) {
      const why = noSpace(e);
      if (why && !(e instanceof NoSpaceError)) throw noRoomForIndex(index, why);
      if (attempt > 0 || index.temporary || !isDamage(e)) throw e;
      damaged = e;
    } finally {
      index.dispose();
    }
    removeIndexFiles(index.path);
    writeStderr(`lockstep: ${damagedIndexMessage(index.path, damaged)}\n`);
  }
}

/** The index found no room: give back what this run wrote (all of it for a temporary index), and say what to do. */
function noRoomForIndex(index: IndexHandle, why: string): NoSpaceError {
  if (index.temporary) {
    // dispose() removes the temporary directory, and the space with it.
    return new NoSpaceError(
      `cannot write the temporary index ${index.path}: ${why}; it was removed — free some space there, or keep the index on another disk with --db PATH (or TMPDIR)`,
    );
  }
  if (reclaimSpace(index.db)) {
    return new NoSpaceError(
      `cannot write the index ${index.path}: ${why}; what this run wrote was removed — free some space, or keep the index on another disk (--db PATH)`,
    );
  }
  index.db.close();
  removeIndexFiles(index.path);
  return new NoSpaceError(
    `cannot write the index ${index.path}: ${why}; the index was removed to give its space back (it is rebuilt from the logs) — free some space, or keep it on another disk (--db PATH)`,
  );
}
