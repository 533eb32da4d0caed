// One segment of one thread while the search index reads it: a column per
// path, filled leaf by leaf (lineLeaves.ts calls it for each event).
import type { SearchSegmentRow } from '../store/searchIndex';
import { ColumnBuilder, type ColumnRecord } from './columns';
import type { LeafSink } from './lineLeaves';

/** Paths per segment past which further ones are not filed (a log of random keys): the segment is then read to be searched. */
const MAX_COLUMNS = 2048;

export class SegmentBuilder implements LeafSink {
  private readonly columns = new Map<string, ColumnBuilder>();
  events = 0;
  private overflowed = false;
  /** The columns of the current event's leaves, in order: a repeated key takes its earlier value's back. */
  private readonly eventColumns: (ColumnBuilder | null)[] = [];
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
    this.eventColumns[this.eventLeaves++] = c;
  }

  retract(from: number, to: number): void {
    // Between a key and its repetition only other keys of the object give leaves, in other
    // columns: the earlier value's leaves are the last of theirs.
    for (let k = to - 1; k >= from; k--) this.eventColumns[k]?.pop();
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
    this.retract(0, this.eventLeaves);
    this.overflowed = true;
    this.endEvent();
  }

  finish(): { columns: ColumnRecord[]; segment: SearchSegmentRow } {
    const columns: ColumnRecord[] = [];
    for (const c of this.columns.values()) if (c.count > 0) columns.push(c.finish(this.threadNo, this.segment, this.events));
    return { columns, segment: { threadNo: this.threadNo, segment: this.segment, events: this.events, overflow: this.overflowed } };
  }
}
