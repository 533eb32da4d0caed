// Reading one log's search index: its threads' segments and columns, decoded
// once and kept (up to a budget of memory) while the log is open, so that the
// next search of the same thread answers from memory.
import type { IndexedLog } from '../diff/indexedLog';
import { IndexDamagedError } from '../store/db';
import { searchColumnBlobs, searchColumnDict, searchColumnHeads, searchSegmentsOf, type SearchColumnHead, type SearchSegmentRow } from '../store/searchIndex';
import { Column, SEGMENT_EVENTS } from './columns';
import { hasSearchIndex } from './searchIndexJob';

/** Decoded columns kept per open log. */
const CACHE_BYTES = 64 << 20;

export class NoSearchIndex extends Error {
  constructor(readonly label: string) {
    super(`${label} has no search index yet: it is built on the first search (search/prepare)`);
  }
}

export interface ThreadColumns {
  segments: SearchSegmentRow[];
  /** Column heads by segment. */
  heads: SearchColumnHead[][];
}

export class SearchReader {
  private readonly threads = new Map<number, ThreadColumns>();
  private readonly columns = new Map<number, Column>();
  private bytes = 0;
  private checked = false;

  constructor(readonly log: IndexedLog) {}

  /** Throws NoSearchIndex until the log's search index is complete. */
  ready(): void {
    if (this.checked) return;
    if (!hasSearchIndex(this.log.db, this.log.log.logId)) throw new NoSearchIndex(this.log.label);
    this.checked = true;
  }

  thread(threadNo: number): ThreadColumns {
    this.ready();
    let t = this.threads.get(threadNo);
    if (!t) {
      const segments = searchSegmentsOf(this.log.db, this.log.log.logId, threadNo);
      const heads: SearchColumnHead[][] = segments.map(() => []);
      for (const h of searchColumnHeads(this.log.db, this.log.log.logId, threadNo)) {
        const list = heads[h.segment];
        if (!list) throw new IndexDamagedError(`a search column of segment ${h.segment}, which thread ${threadNo} does not have`);
        list.push(h);
      }
      const info = this.log.threads.find((x) => x.threadNo === threadNo);
      const expected = info ? Math.ceil(info.eventCount / SEGMENT_EVENTS) : 0;
      if (segments.length !== expected || segments.some((s, k) => s.segment !== k)) {
        throw new IndexDamagedError(`the search index of thread ${threadNo} has ${segments.length} segments, not ${expected}`);
      }
      this.threads.set(threadNo, (t = { segments, heads }));
    }
    return t;
  }

  column(head: SearchColumnHead): Column {
    let c = this.columns.get(head.columnId);
    if (c) {
      this.columns.delete(head.columnId); // most recently used last
      this.columns.set(head.columnId, c);
      return c;
    }
    const db = this.log.db;
    const dict = searchColumnDict(db, head.columnId);
    if (!dict) throw new IndexDamagedError(`the search index has no column ${head.columnId}`);
    c = new Column({
      ...head,
      ...dict,
      // The leaves are read when first needed (a text search reads most columns' dictionaries only).
      blobs: () => {
        const b = searchColumnBlobs(db, head.columnId);
        if (!b) throw new IndexDamagedError(`the search index has no column ${head.columnId}`);
        return b;
      },
    });
    this.columns.set(head.columnId, c);
    this.bytes += c.bytes;
    for (const [id, old] of this.columns) {
      if (this.bytes <= CACHE_BYTES) break;
      this.columns.delete(id);
      this.bytes -= old.bytes;
    }
    return c;
  }
}

const readers = new WeakMap<IndexedLog, SearchReader>();

/** The search index of an open log (one reader per open log: its cache lives as long as the log is open). */
export function searchReaderOf(log: IndexedLog): SearchReader {
  let r = readers.get(log);
  if (!r) readers.set(log, (r = new SearchReader(log)));
  return r;
}
