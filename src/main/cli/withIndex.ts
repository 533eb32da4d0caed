// The index a command works on, recovered when damaged: the index is a cache,
// so a damaged kept index (--db) is removed and rebuilt from the logs, once,
// with one line saying so. The user's work never lives in it.
import { isDamage } from '../store/db';
import { damagedIndexMessage, openIndex, removeIndexFiles, type IndexHandle } from '../store/indexLocation';
import { writeStderr } from './output';

export async function withIndex(keepAt: string | null, body: (index: IndexHandle) => Promise<number>): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const index = openIndex(keepAt);
    if (index.rebuilt) writeStderr(`lockstep: ${index.rebuilt}\n`);
    let damaged: unknown;
    try {
      return await body(index);
    } catch (e) {
      if (attempt > 0 || index.temporary || !isDamage(e)) throw e;
      damaged = e;
    } finally {
      index.dispose();
    }
    removeIndexFiles(index.path);
    writeStderr(`lockstep: ${damagedIndexMessage(index.path, damaged)}\n`);
  }
}
