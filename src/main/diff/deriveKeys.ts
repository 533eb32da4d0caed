// Each event's key under a rule set, derived from the index alone: from the
// field blocks (each event's kind and top-level entries) and the log's entry
// dictionary (store/fieldBlocks.ts), never from the log. The key is the hash
// the event would have if the log held it as the rules make it: skipped fields
// left out (at any depth), canonicalized values replaced by their sentinels,
// paired values left out of the key and kept aside for the pairing
// (diff/pairing.ts). Events of a kind no rule touches keep the key the index
// holds, so a rule costs only what it changes.
import { pyJsonLoads } from '../py/parse';
import type { PyValue } from '../py/value';
import { ANY_KIND, type FieldPath, type RuleSet } from '../rules/ruleSet';
import { skippedPayloadFields } from '../rules/referenceRules';
import { BLOCK_SIZE, FLAG_FORCE_EXACT, FLAG_IDX_INEXACT, KEY_WORDS } from '../store/eventBlock';
import { IndexDamagedError, type Db } from '../store/db';
import {
  ENTRY_WORDS,
  FieldCursor,
  readFieldBlocks,
  readFieldDictionary,
  REF_DICT,
  REF_NULL,
  SHAPE_DICT,
  SHAPE_OTHER,
  type FieldDictionary,
} from '../store/fieldBlocks';
import { readBlock } from '../store/logIndex';
import { dictValueHashOf, entryHashOf, eventKeyOf, hashPyValue, useHashSecretOf } from '../ingest/valueHash';
import type { Comparison } from './comparison';

/** The positional comparison leaves tid_event_idx out for this event (a skip rule on its kind). */
export const DFLAG_IDX_SKIPPED = 8;
/** The event has paired values (compared by the pairing, not by the key). */
export const DFLAG_PAIRED = 16;

/** A canonicalized value, to write into the event read back from the log (as the reference rewrites events). */
export interface Sentinel {
  path: FieldPath;
  value: string;
  /** Set even where the field is absent (the reference's return_value). */
  always: boolean;
}

/** One thread's stream under a comparison. */
export interface DerivedThread {
  /** Events in the stream (the thread's, less the ignored kinds). */
  length: number;
  /** Stream position → position in the thread; null when no event is left out. */
  positions: Int32Array | null;
  keys: Uint32Array;
  /** The index's flags (FLAG_FORCE_EXACT, FLAG_IDX_INEXACT) and DFLAG_*. */
  flags: Uint8Array;
  /** tid_event_idx (NaN where not a number a double holds). */
  idx: Float64Array;
  /** Canonicalized values by stream position. */
  sentinels: Map<number, Sentinel[]>;
  /** Paired values: for stream position p, entries [pairedStart[p], pairedStart[p + 1]) of pairedField, pairedDomain and pairedValues (4 words each). */
  pairedStart: Int32Array | null;
  pairedField: Uint16Array | null;
  /**
   * Where a value is paired: among the returns of its allocator (as the
   * reference numbers them per allocator), or among the values of its rule.
   */
  pairedDomain: Uint32Array | null;
  pairedValues: Uint32Array | null;
}

/** Fields compared by pairing, in the order their presence enters a key: allocator return_value and status first. */
export interface PairedFieldSpec {
  path: FieldPath;
}

export interface RuleNode {
  skip: boolean;
  /** Numbered (an ordinal counter's slot) or paired (a paired field's index). */
  canon: { slot: number; pairing: boolean; label: string } | null;
  children: Map<string, RuleNode>;
}

const newNode = (): RuleNode => ({ skip: false, canon: null, children: new Map() });

export interface KindPlan {
  ignored: boolean;
  /** The index's own key serves (the rules treat the kind as the reference's do), unless it is an allocator return. */
  plain: boolean;
  allocatorCheck: boolean;
  idxSkipped: boolean;
  payloadSkipped: boolean;
  root: RuleNode;
}

/** The rules compiled once per comparison: by kind, as trees over payload keys. */
export class CompiledRules {
  /** Ordinal counters' labels, by slot. */
  readonly counters: string[] = [];
  readonly paired: PairedFieldSpec[] = [];
  private readonly plans = new Map<string, KindPlan>();
  private readonly anyKindPlan: KindPlan;
  readonly allocators: Set<string>;
  readonly allocatorPairing: boolean;

  constructor(readonly cmp: Comparison) {
    const r = cmp.rules;
    this.allocators = new Set(cmp.canonicalize ? r.allocators : []);
    this.allocatorPairing = r.allocatorPairing;
    if (this.allocators.size > 0 && r.allocatorPairing) this.paired.push({ path: ['payload', 'return_value'] }, { path: ['payload', 'status'] });
    // Each canonicalization rule gets its counter (numbered) or its paired field, whatever kind it applies to.
    this.slots = r.canonicalize.map((c) => {
      const label = c.path.join('.');
      if (c.pairing) {
        this.paired.push({ path: c.path });
        return this.paired.length - 1;
      }
      this.counters.push(label);
      return this.counters.length - 1;
    });
    this.anyKindPlan = this.build(null, r);
  }

  private readonly slots: number[];

  private allocRoots = new WeakMap<KindPlan, RuleNode>();

  /**
   * The rules of an allocator return when allocators are paired: its
   * return_value and status are paired fields (unless a rule skips them).
   */
  allocatorRoot(plan: KindPlan): RuleNode {
    let root = this.allocRoots.get(plan);
    if (!root) {
      root = { skip: plan.root.skip, canon: plan.root.canon, children: new Map(plan.root.children) };
      ['return_value', 'status'].forEach((key, slot) => {
        if (root!.children.get(key)?.skip) return;
        root!.children.set(key, { skip: false, canon: { slot, pairing: true, label: `payload.${key}` }, children: new Map() });
      });
      this.allocRoots.set(plan, root);
    }
    return root;
  }

  /** The plan for events of a kind (a non-string kind only meets the rules for every kind). */
  plan(kind: PyValue | undefined): KindPlan {
    if (typeof kind !== 'string') return this.anyKindPlan;
    let p = this.plans.get(kind);
    if (!p) this.plans.set(kind, (p = this.build(kind, this.cmp.rules)));
    return p;
  }

  private build(kind: string | null, r: RuleSet): KindPlan {
    const applies = (k: string): boolean => k === ANY_KIND || k === kind;
    const root = newNode();
    const at = (path: FieldPath): RuleNode => {
      let n = root;
      for (const seg of path.slice(1)) {
        let c = n.children.get(seg);
        if (!c) n.children.set(seg, (c = newNode()));
        n = c;
      }
      return n;
    };
    let idxSkipped = false;
    let payloadSkipped = false;
    const topSkips = new Set<string>();
    let other = false;
    for (const s of r.skip) {
      if (!applies(s.kind)) continue;
      if (s.path[0] === 'tid_event_idx') idxSkipped = true;
      else if (s.path.length === 1) payloadSkipped = true;
      else {
        at(s.path).skip = true;
        if (s.path.length === 2) topSkips.add(s.path[1]!);
        else other = true;
      }
    }
    // A rule for this very kind wins over one for every kind on the same field.
    r.canonicalize.forEach((c, i) => {
      if (!applies(c.kind)) return;
      const node = at(c.path);
      if (node.canon && c.kind === ANY_KIND) return;
      node.canon = { slot: this.slots[i]!, pairing: c.pairing, label: c.path.join('.') };
      other = true;
    });
    const ignored = kind !== null && r.ignoreKinds.includes(kind);
    const reference = skippedPayloadFields(kind);
    const sameSkips = topSkips.size === reference.size && [...topSkips].every((f) => reference.has(f));
    return {
      ignored,
      plain: !ignored && !idxSkipped && !payloadSkipped && !other && sameSkips,
      allocatorCheck: kind === 'kernel.return' && this.allocators.size > 0,
      idxSkipped,
      payloadSkipped,
      root,
    };
  }
}

/** A log's field dictionary, read once and kept with the log, with each entry's hash computed on first use. */
export class LogFields {
  readonly dict: FieldDictionary;
  readonly kindValues: PyValue[];
  readonly kindWords: Uint32Array;
  private readonly keyIds = new Map<string, number>();
  private readonly entryWords: Uint32Array;
  private readonly entryDone: Uint8Array;

  constructor(
    readonly db: Db,
    readonly logId: number,
    readonly secret: Uint8Array,
  ) {
    this.dict = readFieldDictionary(db, logId);
    this.dict.keys.forEach((k, i) => this.keyIds.set(k, i));
    useHashSecretOf(secret);
    this.kindValues = this.dict.kinds.map((k) => pyJsonLoads(k));
    this.kindWords = new Uint32Array(4 * this.kindValues.length);
    this.kindValues.forEach((k, i) => hashPyValue(k, this.kindWords, 4 * i));
    const n = this.dict.entries.length / ENTRY_WORDS;
    this.entryWords = new Uint32Array(4 * n);
    this.entryDone = new Uint8Array(n);
  }

  keyId(key: string): number {
    return this.keyIds.get(key) ?? -1;
  }

  /** The entry's hash, at entryWordsOf()[4 * id]. */
  entryHash(id: number): Uint32Array {
    if (this.entryDone[id] === 0) {
      const e = this.dict.entries;
      entryHashOf(this.dict.keys[e[ENTRY_WORDS * id]!]!, e, ENTRY_WORDS * id + 1, this.entryWords, 4 * id);
      this.entryDone[id] = 1;
    }
    return this.entryWords;
  }
}

/** An entry of the payload being derived: from the dictionary (id >= 0) or made by a rule (a sentinel). */
interface Item {
  key: string;
  id: number;
  value: Uint32Array;
  /** Its own entry hash once a rule changed it (else the dictionary's). */
  entry: Uint32Array | null;
  isNull: boolean;
}

const scratchEntries = { words: new Uint32Array(256) };
function entriesBuffer(n: number): Uint32Array {
  if (scratchEntries.words.length < 4 * n) scratchEntries.words = new Uint32Array(8 * n);
  return scratchEntries.words;
}

/** Blocks derived between two yields of KeyDeriver.steps. */
const STEP_BLOCKS = 32;

/** Pairing domains of allocators come after those of the rules (one per rule). */
const ALLOCATOR_DOMAIN = 1 << 16;

/** Derives threads of one log under one comparison. */
export class KeyDeriver {
  private readonly plans: KindPlan[];
  private readonly allocatorNames = new Map<string, string>();
  private readonly allocatorIndex = new Map<string, number>();
  private readonly nameKey: number;

  constructor(
    readonly fields: LogFields,
    readonly rules: CompiledRules,
  ) {
    useHashSecretOf(fields.secret);
    this.plans = fields.kindValues.map((k) => rules.plan(k));
    const w = new Uint32Array(4);
    for (const name of rules.allocators) {
      hashPyValue(name, w);
      this.allocatorNames.set(wordsKey(w, 0), name);
      this.allocatorIndex.set(name, this.allocatorIndex.size);
    }
    this.nameKey = fields.keyId('name');
  }

  /** Whether the log's kinds meet a rule that changes keys, or ignores events. */
  get needsFields(): boolean {
    return this.plans.some((p) => !p.plain || p.allocatorCheck);
  }

  derive(threadNo: number, eventCount: number): DerivedThread {
    const steps = this.steps(threadNo, eventCount);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /**
   * The derivation of a thread, a few blocks at a time: yields the blocks
   * done so far (so that a caller can report progress and let other work in
   * between), returns the stream.
   */
  *steps(threadNo: number, eventCount: number): Generator<number, DerivedThread> {
    const f = this.fields;
    useHashSecretOf(f.secret);
    const blocks = Math.ceil(eventCount / BLOCK_SIZE);
    const fieldBlocks = readFieldBlocks(f.db, f.logId, threadNo);
    const ignoring = this.plans.some((p) => p.ignored);
    const paired = this.rules.paired.length > 0;
    const keys = new Uint32Array(KEY_WORDS * eventCount);
    const flags = new Uint8Array(eventCount);
    const idx = new Float64Array(eventCount);
    const positions = ignoring ? new Int32Array(eventCount) : null;
    const sentinels = new Map<number, Sentinel[]>();
    const pairedStart = paired ? new Int32Array(eventCount + 1) : null;
    const pairs = new PairedValues();
    const state: EventState = { counters: new Int32Array(this.rules.counters.length), marks: [], pairMarks: [], pairs };
    const allocOrdinals = new Map<string, number>();
    let out = 0;
    for (let k = 0; k < blocks; k++) {
      if (k > 0 && k % STEP_BLOCKS === 0) {
        yield k;
        useHashSecretOf(f.secret); // whatever ran in between may have used another secret
      }
      const b = readBlock(f.db, f.logId, threadNo, k);
      const fb = fieldBlocks[k];
      if (!fb || fb.count !== b.count) throw new IndexDamagedError(`the field block ${k} of thread ${threadNo} does not match its events`);
      const cur = new FieldCursor(fb);
      for (let i = 0; i < b.count; i++) {
        cur.next();
        const plan = this.plans[cur.kindId]!;
        if (plan.ignored) continue;
        const at = KEY_WORDS * out;
        const exact = (b.flags[i]! & FLAG_FORCE_EXACT) !== 0;
        flags[out] = (b.flags[i]! & (FLAG_FORCE_EXACT | FLAG_IDX_INEXACT)) | (plan.idxSkipped ? DFLAG_IDX_SKIPPED : 0);
        idx[out] = b.idx[i]!;
        if (positions) positions[out] = k * BLOCK_SIZE + i;
        if (pairedStart) pairedStart[out] = pairs.n;
        const allocName = plan.allocatorCheck && cur.shape === SHAPE_DICT ? this.allocatorOf(fb.words, cur.idsAt, cur.count) : null;
        if (cur.shape === SHAPE_OTHER || (plan.plain && allocName === null)) {
          // The index's key: no rule changes this event (a payload that is no object is compared exactly anyway).
          keys.set(b.keyRaw.subarray(KEY_WORDS * i, KEY_WORDS * i + KEY_WORDS), at);
          out++;
          continue;
        }
        // The payload as the rules make it: rewritten (sentinels), then what the comparison looks at.
        const items = this.items(fb.words, cur.idsAt, cur.shape === SHAPE_DICT ? cur.count : 0);
        state.marks = [];
        state.pairMarks.length = 0;
        const skipAll = plan.payloadSkipped || exact;
        if (allocName !== null) this.allocator(items, allocName, allocOrdinals, state, skipAll, plan);
        const kept: Item[] = [];
        for (const item of items) {
          const node = plan.root.children.get(item.key);
          const keep = node ? this.visit(item, node, ['payload', item.key], state, skipAll) : !skipAll;
          // None at the top of a payload compares as absent.
          if (keep && !item.isNull) kept.push(item);
        }
        const ew = entriesBuffer(kept.length);
        kept.forEach((it, j) => this.entryInto(it, ew, 4 * j));
        eventKeyOf(f.kindWords.subarray(4 * cur.kindId), ew, kept.length, state.pairMarks, state.pairMarks.length, plan.payloadSkipped, keys, at);
        if (exact) keys.set(b.keyRaw.subarray(KEY_WORDS * i, KEY_WORDS * i + KEY_WORDS), at);
        if (state.marks.length) sentinels.set(out, state.marks);
        if (state.pairMarks.length) flags[out]! |= DFLAG_PAIRED;
        out++;
      }
    }
    if (pairedStart) pairedStart[out] = pairs.n;
    return {
      length: out,
      positions: positions && positions.subarray(0, out),
      keys: keys.subarray(0, KEY_WORDS * out),
      flags: flags.subarray(0, out),
      idx: idx.subarray(0, out),
      sentinels,
      pairedStart: pairedStart && pairedStart.subarray(0, out + 1),
      pairedField: paired ? pairs.fields.subarray(0, pairs.n) : null,
      pairedDomain: paired ? pairs.domains.subarray(0, pairs.n) : null,
      pairedValues: paired ? pairs.values.subarray(0, 4 * pairs.n) : null,
    };
  }

  /** An item's entry hash into out[at..at+4). */
  private entryInto(it: Item, out: Uint32Array, at: number): void {
    if (it.entry) {
      out.set(it.entry, at);
      return;
    }
    const w = this.fields.entryHash(it.id);
    const p = 4 * it.id;
    out[at] = w[p]!;
    out[at + 1] = w[p + 1]!;
    out[at + 2] = w[p + 2]!;
    out[at + 3] = w[p + 3]!;
  }

  private items(words: Uint32Array, at: number, n: number): Item[] {
    const e = this.fields.dict.entries;
    const keys = this.fields.dict.keys;
    const out: Item[] = [];
    for (let j = 0; j < n; j++) {
      const id = words[at + j]!;
      const p = ENTRY_WORDS * id;
      out.push({ key: keys[e[p]!]!, id, value: e.subarray(p + 1, p + 5), entry: null, isNull: e[p + 5] === REF_NULL });
    }
    return out;
  }

  /** payload.name when it is one of the allocators (canonicalize_allocator_returns' test). */
  private allocatorOf(words: Uint32Array, at: number, n: number): string | null {
    if (this.nameKey < 0) return null;
    const e = this.fields.dict.entries;
    for (let j = 0; j < n; j++) {
      const p = ENTRY_WORDS * words[at + j]!;
      if (e[p] === this.nameKey) return this.allocatorNames.get(wordsKey(e, p + 1)) ?? null;
    }
    return null;
  }

  /**
   * canonicalize_allocator_returns for one event: return_value (set even
   * where absent) and status (where present) become <alloc:NAME_N>; or,
   * when allocators are paired, both go to the pairing (where not None).
   */
  private allocator(items: Item[], name: string, ordinals: Map<string, number>, st: EventState, skipAll: boolean, plan: KindPlan): void {
    if (this.rules.allocatorPairing) {
      if (skipAll) return;
      for (const [field, key] of [
        [0, 'return_value'],
        [1, 'status'],
      ] as const) {
        const i = items.findIndex((it) => it.key === key);
        // A skipped field is not compared at all, not even by its pairing.
        if (i < 0 || items[i]!.isNull || plan.root.children.get(key)?.skip) continue;
        st.pairs.add(field, ALLOCATOR_DOMAIN + this.allocatorIndex.get(name)!, items[i]!.value);
        st.pairMarks.push(field);
        items.splice(i, 1);
      }
      return;
    }
    const ordinal = ordinals.get(name) ?? 0;
    ordinals.set(name, ordinal + 1);
    const sentinel = `<alloc:${name}_${ordinal}>`;
    const v = hashPyValue(sentinel);
    for (const key of ['return_value', 'status']) {
      const i = items.findIndex((it) => it.key === key);
      if (i < 0 && key === 'status') continue;
      const item: Item = { key, id: -1, value: v, entry: new Uint32Array(4), isNull: false };
      entryHashOf(key, v, 0, item.entry!, 0);
      if (i >= 0) items[i] = item;
      else items.splice(insertAt(items, key), 0, item);
      st.marks.push({ path: ['payload', key], value: sentinel, always: key === 'return_value' });
    }
  }

  /**
   * An entry under a rule node: first the rewrite (a numbered field becomes
   * its sentinel, whatever else applies: the reference canonicalizes before
   * it compares), then what the comparison sees. Returns whether the entry
   * stays in the key (not skipped, not paired); its hash is updated where a
   * rule inside it changed its value.
   */
  private visit(item: Item, node: RuleNode, path: string[], st: EventState, skipped: boolean): boolean {
    const skip = skipped || node.skip;
    const canon = node.canon;
    if (canon && !item.isNull) {
      if (canon.pairing) {
        if (skip) return false;
        st.pairs.add(canon.slot, canon.slot, item.value);
        st.pairMarks.push(canon.slot);
        return false;
      }
      const sentinel = `<canon:${canon.label}_${st.counters[canon.slot]!++}>`;
      const v = hashPyValue(sentinel);
      item.value = v;
      item.entry = new Uint32Array(4);
      entryHashOf(item.key, v, 0, item.entry, 0);
      st.marks.push({ path, value: sentinel, always: false });
      return !skip;
    }
    if (node.children.size === 0 || item.id < 0) return !skip;
    const e = this.fields.dict.entries;
    const ref = e[ENTRY_WORDS * item.id + 5]!;
    if (ref < REF_DICT) return !skip;
    // An object: its entries under the rules inside it (numbered fields count even inside a skipped one), re-hashed if any changed.
    const ch = this.fields.dict.children;
    const start = ref - REF_DICT;
    const kids = this.items(ch, start + 1, ch[start]!);
    let changed = false;
    const kept: Item[] = [];
    for (const kid of kids) {
      const sub = node.children.get(kid.key);
      if (sub && !this.visit(kid, sub, [...path, kid.key], st, skip)) {
        changed = true;
        continue;
      }
      if (kid.entry) changed = true;
      kept.push(kid);
    }
    if (skip) return false;
    if (!changed) return true;
    const words = new Uint32Array(4 * kept.length);
    kept.forEach((k, j) => this.entryInto(k, words, 4 * j));
    const v = new Uint32Array(4);
    dictValueHashOf(words, kept.length, v, 0);
    item.value = v;
    item.entry = new Uint32Array(4);
    entryHashOf(item.key, v, 0, item.entry, 0);
    return true;
  }
}

/** What the derivation of one event collects. */
interface EventState {
  counters: Int32Array;
  marks: Sentinel[];
  pairMarks: number[];
  pairs: PairedValues;
}

/** Paired values of a thread, growing as they come. */
class PairedValues {
  n = 0;
  fields = new Uint16Array(64);
  domains = new Uint32Array(64);
  values = new Uint32Array(256);

  add(field: number, domain: number, v: Uint32Array): void {
    if (this.n === this.fields.length) {
      const f = new Uint16Array(2 * this.n);
      f.set(this.fields);
      this.fields = f;
      const d = new Uint32Array(2 * this.n);
      d.set(this.domains);
      this.domains = d;
      const w = new Uint32Array(8 * this.n);
      w.set(this.values);
      this.values = w;
    }
    this.fields[this.n] = field;
    this.domains[this.n] = domain;
    this.values[4 * this.n] = v[0]!;
    this.values[4 * this.n + 1] = v[1]!;
    this.values[4 * this.n + 2] = v[2]!;
    this.values[4 * this.n + 3] = v[3]!;
    this.n++;
  }
}

/** Where a key goes among entries sorted by key (code unit order, as the hash sorts them). */
function insertAt(items: Item[], key: string): number {
  let i = 0;
  while (i < items.length && items[i]!.key < key) i++;
  return i;
}

function wordsKey(w: Uint32Array, at: number): string {
  return `${w[at]},${w[at + 1]},${w[at + 2]},${w[at + 3]}`;
}
