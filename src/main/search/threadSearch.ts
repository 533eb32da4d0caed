// Every event of one thread that matches a query, in position order: each
// segment's columns give each event a level (columnMatch.ts) per term, the
// terms combine, SURE events are matches, MAYBE events are read from the log
// and checked (verifyEvent.ts) while the request's time lasts. Past it, what
// is sure is still given, and the answer says where the reading stopped.
import type { IndexedLog } from '../diff/indexedLog';
import { useHashSecretOf } from '../ingest/valueHash';
import { hashSecret } from '../store/logIndex';
import { charsetAdmits, ENC_HASH, ENC_INT, SEGMENT_EVENTS } from './columns';
import type { SearchColumnHead } from '../store/searchIndex';
import * as levelOf from './columnMatch';
import type { CompiledQuery, CompiledTerm } from './compiledQuery';
import { searchReaderOf, type SearchReader } from './searchReader';
import { eventMatches } from './verifyEvent';

export interface ThreadMatches {
  /** Positions of the matching events, ascending. */
  positions: Int32Array;
  /** Every event was decided; false: events at or past `checkedTo` that the index could not decide were not read. */
  complete: boolean;
  checkedTo: number;
  /** Events read from the log to decide. */
  read: number;
}

/** When a request must stop reading lines (ms since the epoch). */
export interface Deadline {
  at: number;
}

const { fieldLevels, fragmentLevels, regexLevels } = levelOf;
// The levels as this module's own constants: where a module is compiled to
// CommonJS (tsx, which runs the tests and the bench), every read of an
// imported binding is a getter call, and these are read once per event.
const NONE = levelOf.NONE;
const MAYBE = levelOf.MAYBE;
const SURE = levelOf.SURE;

/** Events read ahead at once when checking candidates. */
const READ_AHEAD = 256;

const headKeys = new WeakMap<SearchColumnHead, string[]>();

/**
 * Whether a column can hold a fragment of a text, told from its head alone: an
 * integer column only digits, a hashed one only its characters. The others are
 * read (a column read is decoded once and kept; most are never read for a text).
 */
function mightHold(h: SearchColumnHead, fragment: string): boolean {
  let keys = headKeys.get(h);
  if (!keys) headKeys.set(h, (keys = (JSON.parse(h.keys) as string[]).map((k) => k.toLowerCase())));
  if (keys.some((k) => k.includes(fragment))) return true;
  if (h.encoding === ENC_INT) return /^[-0-9]+$/.test(fragment);
  if (h.encoding === ENC_HASH) return h.charset !== null && charsetAdmits(h.charset, fragment);
  return true;
}

/**
 * Whether a key name on a path every event of the segment has, once each, holds the fragment
 * (`ent` in tid_event_idx): then every event does, and no other column need be read.
 */
function everyEventHolds(reader: SearchReader, heads: readonly SearchColumnHead[], fragment: string, events: number): boolean {
  for (const h of heads) {
    if (h.count !== events) continue;
    let keys = headKeys.get(h);
    if (!keys) headKeys.set(h, (keys = (JSON.parse(h.keys) as string[]).map((k) => k.toLowerCase())));
    if (keys.some((k) => k.includes(fragment)) && reader.column(h).positions === null) return true;
  }
  return false;
}

function termLevels(
  reader: SearchReader,
  heads: ReturnType<SearchReader['thread']>['heads'][number],
  t: CompiledTerm,
  events: number,
  overflow: boolean,
): Uint8Array {
  const map = new Uint8Array(events);
  if (t.type === 'field') {
    for (const h of heads) if (h.path === t.columnPath) fieldLevels(reader.column(h), t, map);
  } else if (t.type === 'regex' && t.withinToken) {
    for (const h of heads) if (t.fragments.every((f) => mightHold(h, f))) regexLevels(reader.column(h), t.re, t.fragments, map);
  } else if (t.fragments.length === 0) {
    map.fill(MAYBE); // nothing to look for in the index: every line is read
  } else {
    // Each fragment must be in the line: the min over fragments of the max over columns.
    let first = true;
    for (const f of t.fragments) {
      const fm = first ? map : new Uint8Array(events);
      if (everyEventHolds(reader, heads, f, events)) fm.fill(SURE);
      else for (const h of heads) if (mightHold(h, f)) fragmentLevels(reader.column(h), f, fm);
      if (overflow) for (let i = 0; i < events; i++) if (fm[i] === NONE) fm[i] = MAYBE;
      if (!first) for (let i = 0; i < events; i++) if (fm[i]! < map[i]!) map[i] = fm[i]!;
      first = false;
    }
    const cap = t.type === 'text' && t.exact ? SURE : MAYBE;
    if (cap === MAYBE) for (let i = 0; i < events; i++) if (map[i] === SURE) map[i] = MAYBE;
    return map;
  }
  // Leaves the index did not file may hold anything.
  if (overflow) for (let i = 0; i < events; i++) if (map[i] === NONE) map[i] = MAYBE;
  return map;
}

/** Append the positions of the SURE events of a segment to `out` (room made); returns the new count. */
function collectSure(levels: Uint8Array, events: number, base: number, out: Int32Array, found: number): number {
  for (let i = 0; i < events; i++) if (levels[i] === SURE) out[found++] = base + i;
  return found;
}

/** The events of a thread that match `q` (a query with at least one term). */
export function searchThread(log: IndexedLog, threadNo: number, q: CompiledQuery, deadline: Deadline): ThreadMatches {
  const reader = searchReaderOf(log);
  const { segments, heads } = reader.thread(threadNo);
  useHashSecretOf(hashSecret(log.db)); // hashed columns are keyed by the index's secret
  let out = new Int32Array(1024);
  let found = 0;
  const push = (pos: number): void => {
    if (found === out.length) {
      const more = new Int32Array(out.length * 2);
      more.set(out);
      out = more;
    }
    out[found++] = pos;
  };
  let complete = true;
  let checkedTo = 0;
  let read = 0;
  let spanEnd = -1;
  for (const seg of segments) {
    const base = seg.segment * SEGMENT_EVENTS;
    let levels: Uint8Array | null = null;
    for (const t of q.terms) {
      const tl = termLevels(reader, heads[seg.segment]!, t, seg.events, seg.overflow);
      if (levels === null) levels = tl;
      else for (let i = 0; i < seg.events; i++) if (tl[i]! < levels[i]!) levels[i] = tl[i]!;
      if (!levels.includes(SURE) && !levels.includes(MAYBE)) break;
    }
    if (levels === null) continue;
    if (levels.indexOf(MAYBE) < 0) {
      // Decided by the index alone (most queries): the sure events, in one tight pass.
      if (found + seg.events > out.length) {
        const more = new Int32Array(Math.max(out.length * 2, found + seg.events));
        more.set(out.subarray(0, found));
        out = more;
      }
      found = collectSure(levels, seg.events, base, out, found);
      continue;
    }
    for (let i = 0; i < seg.events; i++) {
      const l = levels[i]!;
      if (l === NONE) continue;
      if (l === SURE) push(base + i);
      else if (complete) {
        if (Date.now() > deadline.at) {
          complete = false;
          checkedTo = base + i;
          continue;
        }
        const pos = base + i;
        if (pos >= spanEnd) {
          spanEnd = Math.min(base + seg.events, pos + READ_AHEAD);
          log.prefetch(threadNo, pos, spanEnd);
        }
        read++;
        if (eventMatches(q, log.lineText(threadNo, pos))) push(pos);
      }
    }
  }
  if (complete) checkedTo = segments.reduce((n, s) => n + s.events, 0);
  return { positions: out.slice(0, found), complete, checkedTo, read };
}
