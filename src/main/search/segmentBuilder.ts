// One segment of one thread while the search index reads it: a column per
// path, filled leaf by leaf (lineLeaves.ts calls it for each event).
import type { SearchSegmentRow } from '../store/searchIndex';
import { ColumnBuilder, type ColumnRecord } from './columns';
import type { LeafSink } from './lineLeaves';

/** Paths per segment past which further ones are not filed (a log of random keys): the segment is then read to be searched. */
const MAX_COLUMNS = 2048;

/**
 * What a voided leaf's path starts with: no query's path does (a field term reads the column of its
 * own path), while a text or regex looks at every column.
 */
const VOIDED = '\u0001voided ';

export class SegmentBuilder implements LeafSink {
  private readonly columns = new Map<string, ColumnBuilder>();
  events = 0;
  private overflowed = false;
  /** The columns of the current event's leaves, in order, with each leaf: a repeated key takes its earlier value's back. */
  private readonly eventColumns: (ColumnBuilder | null)[] = [];
  private readonly eventLeafs: { id: string; token: number; raw: string }[] = [];
  private eventLeaves = 0;

  constructor(
    readonly threadNo: number,
    readonly segment: number,
  ) {}

  leaf(path: string, keys: readonly string[], escaped: boolean, token: number, raw: string): void {
    // Keys spelled with escapes file apart from their plain spelling: a text search sees the spelling.
    const id = escaped ? `${path}\u0000${JSON.stringify(keys)}` : path;
    let c = this.columns.get(id) ?? null;
    if (!c) {
      if (this.columns.size >= MAX_COLUMNS) this.overflow();
      else this.columns.set(id, (c = new ColumnBuilder(path, JSON.stringify(keys))));
    }
    c?.add(this.events, token, raw);
    this.eventLeafs[this.eventLeaves] = { id, token, raw };
    this.eventColumns[this.eventLeaves++] = c;
  }

  retract(from: number, to: number): void {
    this.takeBack(from, to, true);
  }

  /** Take leaves of the current event back from their columns (`forText`: and file them as voided). */
  private takeBack(from: number, to: number, forText: boolean): void {
    // Between a key and its repetition only other keys of the object give leaves, in other
    // columns: the earlier value's leaves are the last of theirs.
    for (let k = to - 1; k >= from; k--) {
      const c = this.eventColumns[k];
      if (!c) continue;
      c.pop();
      if (!forText) continue;
      // Gone from the event (no field has that value), still in its line: a text or regex finds it there.
      const { id, token, raw } = this.eventLeafs[k]!;
      const voidId = `${VOIDED}${id}`;
      let v = this.columns.get(voidId);
      if (!v) {
        if (this.columns.size >= MAX_COLUMNS) {
          this.overflow();
          continue;
        }
        this.columns.set(voidId, (v = new ColumnBuilder(`${VOIDED}${c.path}`, c.keys)));
      }
      v.add(this.events, token, raw);
    }
  }

  overflow(): void {
    this.overflowed = true;
  }

  /** The event read: the next one begins. */
  endEvent(): void {
    this.events++;
    this.eventLeaves = 0;
  }

  /** The event could not be read as the index reads lines: nothing of it is filed, and the segment is read to be searched. */
  abandonEvent(): void {
    this.takeBack(0, this.eventLeaves, false);
    this.overflowed = true;
    this.endEvent();
  }

  finish(): { columns: ColumnRecord[]; segment: SearchSegmentRow } {
    const columns: ColumnRecord[] = [];
    for (const c of this.columns.values()) if (c.count > 0) columns.push(c.finish(this.threadNo, this.segment, this.events));
    return { columns, segment: { threadNo: this.threadNo, segment: this.segment, events: this.events, overflow: this.overflowed } };
  }
}
