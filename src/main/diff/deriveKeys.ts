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
import { BLOCK_SIZE as BLOCK } from '../store/eventBlock';
import { IndexDamagedError, type Db } from '../store/db';
import {
  ENTRY_WORDS as ENTRY,
  FieldCursor,
  readFieldBlocks,
  readFieldDictionary,
  REF_DICT as DICT_REF,
  REF_NULL as NULL_REF,
  SHAPE_DICT as DICT_SHAPE,
  SHAPE_OTHER as OTHER_SHAPE,
  type FieldBlock,
  type FieldDictionary,
} from '../store/fieldBlocks';
import { dictValueHashOf, entryHashOf, eventKeyOf, hashPyValue, maskedKeyOf, useHashSecretOf } from '../ingest/valueHash';
import { ALLOCATOR_RETURN_FNS } from '../rules/referenceRules';
import { canonicalKey } from '../store/eventBlock';
import type { Comparison } from './comparison';
import { DerivedThread, DFLAG_PAIRED, type PairedSet, type Sentinel } from './derivedThread';

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

/** Whether a field or one inside it is canonicalized (its sentinels and counters must be kept even where it is skipped). */
function hasCanon(n: RuleNode): boolean {
  if (n.canon) return true;
  for (const c of n.children.values()) if (hasCanon(c)) return true;
  return false;
}

export interface KindPlan {
  ignored: boolean;
  /** The index's own key serves (the rules treat the kind as the reference's do), unless it is an allocator return. */
  plain: boolean;
  /**
   * The top-level payload keys the rules treat otherwise than the reference
   * does, for this kind: an event holding none of them keeps the index's key.
   */
  touched: Set<string>;
  /** SKIP_PAYLOAD_FIELDS_BY_KIND of the kind: what the index's key leaves out. */
  referenceSkips: ReadonlySet<string>;
  allocatorCheck: boolean;
  /** kernel.return: the index canonicalized its allocator returns (the reference's set) when asked to. */
  kernelReturn: boolean;
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
   * The rules of an allocator return: its return_value and status are paired
   * fields when allocators are paired; numbered, they are the reference's
   * sentinels and no other rule applies to them (a skip of status still does).
   */
  allocatorRoot(plan: KindPlan): RuleNode {
    let root = this.allocRoots.get(plan);
    if (!root) {
      root = { skip: plan.root.skip, canon: plan.root.canon, children: new Map(plan.root.children) };
      ['return_value', 'status'].forEach((key, slot) => {
        if (root!.children.get(key)?.skip) return;
        if (this.allocatorPairing) root!.children.set(key, { skip: false, canon: { slot, pairing: true, label: `payload.${key}` }, children: new Map() });
        else root!.children.delete(key);
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
    for (const s of r.skip) {
      if (!applies(s.kind)) continue;
      if (s.path[0] === 'tid_event_idx') idxSkipped = true;
      else if (s.path.length === 1) payloadSkipped = true;
      else at(s.path).skip = true;
    }
    // A rule for this very kind wins over one for every kind on the same field.
    r.canonicalize.forEach((c, i) => {
      if (!applies(c.kind)) return;
      const node = at(c.path);
      if (node.canon && c.kind === ANY_KIND) return;
      node.canon = { slot: this.slots[i]!, pairing: c.pairing, label: c.path.join('.') };
    });
    const ignored = kind !== null && r.ignoreKinds.includes(kind);
    // What the index's key already holds: the reference's skips for this kind, nothing else.
    const reference = skippedPayloadFields(kind);
    const touched = new Set<string>();
    for (const [key, node] of root.children) {
      const asReference = node.skip && reference.has(key) && !hasCanon(node);
      if (!asReference) touched.add(key);
    }
    for (const key of reference) if (!root.children.get(key)?.skip) touched.add(key);
    return {
      ignored,
      // tid_event_idx is not in the key: a rule on it changes only how positions compare.
      plain: !ignored && !payloadSkipped && touched.size === 0,
      touched,
      referenceSkips: reference,
      allocatorCheck: kind === 'kernel.return' && this.allocators.size > 0,
      kernelReturn: kind === 'kernel.return',
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
    /** The dictionary as another thread read it (diff/fieldsLoader.ts); else read here. */
    dict?: FieldDictionary,
  ) {
    this.dict = dict ?? readFieldDictionary(db, logId);
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

  private readonly blocksByThread = new Map<number, FieldBlock[]>();

  /**
   * A thread's field blocks, read once and kept with the log's dictionary:
   * each rule change derives every thread again from them (about 16 bytes
   * an event, against the 24 of the index's columns kept beside them).
   */
  blocks(threadNo: number): FieldBlock[] {
    let b = this.blocksByThread.get(threadNo);
    if (!b) this.blocksByThread.set(threadNo, (b = readFieldBlocks(this.db, this.logId, threadNo)));
    return b;
  }

  hasBlocks(threadNo: number): boolean {
    return this.blocksByThread.has(threadNo);
  }

  /** Keep a thread's field blocks as another thread read them (diff/fieldsLoader.ts), unless read already. */
  adoptBlocks(threadNo: number, blocks: FieldBlock[]): void {
    if (!this.blocksByThread.has(threadNo)) this.blocksByThread.set(threadNo, blocks);
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

// Module-local copies of the constants the derivation reads per entry: an imported binding
// is a getter call each time where the sources run unbundled (tsx: the benchmark, the tests).
const BLOCK_SIZE = BLOCK;
const ENTRY_WORDS = ENTRY;
const REF_DICT = DICT_REF;
const REF_NULL = NULL_REF;
const SHAPE_DICT = DICT_SHAPE;
const SHAPE_OTHER = OTHER_SHAPE;

/** Entries a pure node remembers (hash-consed entries recur: names, statuses, small dicts). */
const MEMO_ENTRIES = 1 << 18;
/** Entries remembered before the memo is judged by its hits. */
const MEMO_PROBE = 4096;

/** Blocks derived between two yields of KeyDeriver.steps. */
const STEP_BLOCKS = 32;

/** The path given to a node of skips only (no sentinel is marked inside it). */
const NO_PATH: string[] = [];

/** Pairing domains of allocators come after those of the rules (one per rule). */
const ALLOCATOR_DOMAIN = 1 << 16;

/** Derives threads of one log under one comparison. */
export class KeyDeriver {
  private readonly plans: KindPlan[];
  private readonly allocatorNames = new Map<string, string>();
  private readonly allocatorIndex = new Map<string, number>();
  /** The reference's allocators: the index's own keys canonicalize their returns (when canonicalization is on). */
  private readonly referenceAllocators = new Map<string, string>();
  private readonly nameKey: number;

  constructor(
    readonly fields: LogFields,
    readonly rules: CompiledRules,
    /** Derive every event's key, even where the index's would serve (the tests check the two agree). */
    private readonly deriveAll = false,
  ) {
    useHashSecretOf(fields.secret);
    this.plans = fields.kindValues.map((k) => rules.plan(k));
    const w = new Uint32Array(4);
    for (const name of rules.allocators) {
      hashPyValue(name, w);
      this.allocatorNames.set(wordsKey(w, 0), name);
      this.allocatorIndex.set(name, this.allocatorIndex.size);
    }
    if (rules.cmp.canonicalize) {
      for (const name of ALLOCATOR_RETURN_FNS) {
        hashPyValue(name, w);
        this.referenceAllocators.set(wordsKey(w, 0), name);
      }
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
   * between), returns the stream. Only the field blocks are read: an event
   * no rule touches keeps the index's key and costs a look at its kind and
   * keys.
   */
  *steps(threadNo: number, eventCount: number): Generator<number, DerivedThread> {
    const f = this.fields;
    useHashSecretOf(f.secret);
    const blocks = Math.ceil(eventCount / BLOCK_SIZE);
    const fieldBlocks = f.blocks(threadNo);
    if (fieldBlocks.length !== blocks) throw new IndexDamagedError(`the index has ${fieldBlocks.length} field blocks of thread ${threadNo}, not ${blocks}`);
    const ignoring = this.plans.some((p) => p.ignored);
    const idxSkipping = this.plans.some((p) => p.idxSkipped);
    const positions = ignoring ? new Int32Array(eventCount) : null;
    const idxSkip = idxSkipping ? new Uint8Array(eventCount) : null;
    const changes = new Changes(this.rules.paired.length > 0);
    const sentinels = new Map<number, Sentinel[]>();
    const state: EventState = { counters: new Int32Array(this.rules.counters.length), marks: [], pairMarks: [], pairs: changes };
    const walk: ThreadWalk = {
      positions,
      idxSkip,
      changes,
      sentinels,
      state,
      allocOrdinals: new Map<string, number>(),
      allocOrdinal: -1,
      key: new Uint32Array(4),
      out: 0,
    };
    for (let k = 0; k < blocks; k++) {
      if (k > 0 && k % STEP_BLOCKS === 0) {
        yield k;
        useHashSecretOf(f.secret); // whatever ran in between may have used another secret
      }
      this.deriveBlock(walk, k, fieldBlocks[k]!);
    }
    const out = walk.out;
    return changes.thread(out, positions && positions.subarray(0, out), idxSkip && idxSkip.subarray(0, out), sentinels);
  }

  /**
   * One block of a thread's derivation. Apart from the generator (steps): V8
   * optimizes a plain method called per block at once, where a generator's
   * loop would run unoptimized through the first threads of every rule set.
   */
  private deriveBlock(walk: ThreadWalk, k: number, fb: FieldBlock): void {
    const f = this.fields;
    const { positions, idxSkip, changes, sentinels, state, allocOrdinals, key } = walk;
    let allocOrdinal = walk.allocOrdinal;
    let out = walk.out;
    const cur = new FieldCursor(fb);
    for (let i = 0; i < fb.count; i++) {
      cur.next();
      const plan = this.plans[cur.kindId]!;
      if (plan.ignored) continue;
      if (positions) positions[out] = k * BLOCK_SIZE + i;
      if (idxSkip && plan.idxSkipped) idxSkip[out] = 1;
      const name = plan.kernelReturn && cur.shape === SHAPE_DICT ? this.nameOf(fb.words, cur.idsAt, cur.count) : null;
      const allocName = name !== null && plan.allocatorCheck ? (this.allocatorNames.get(name) ?? null) : null;
      // The index's key is an allocator return's canonical key where the reference's set has its name.
      const indexAllocator = name !== null && this.referenceAllocators.has(name);
      if (allocName !== null) allocOrdinal = this.nextOrdinal(allocOrdinals, allocName);
      const sameAllocation = indexAllocator === (allocName !== null) && !(allocName !== null && this.rules.allocatorPairing);
      const untouched = !this.deriveAll && sameAllocation && !plan.payloadSkipped && (plan.plain || !this.touches(plan, fb.words, cur.idsAt, cur.count));
      // A payload that is no object is compared exactly, whatever its key.
      if (cur.shape === SHAPE_OTHER || untouched) {
        out++;
        continue;
      }
      // The payload as the rules make it: rewritten (sentinels), then what the comparison looks at.
      state.marks = [];
      state.pairMarks.length = 0;
      changes.begin();
      const n = cur.shape === SHAPE_DICT ? cur.count : 0;
      const ew = entriesBuffer(n + 1);
      let kept = 0;
      let numbered = false;
      let hasStatus = false;
      // Whether the key the rules make differs from the index's: an entry the reference keeps
      // and the rules do not (or the reverse), an entry the rules changed, a value paired.
      let modified = plan.payloadSkipped || indexAllocator !== (allocName !== null && !this.rules.allocatorPairing);
      const refSkips = this.referenceSkips(plan);
      const e = f.dict.entries;
      if (allocName !== null) {
        // An allocator return: its return_value and status numbered (the key the index makes of them) or paired, then the rules.
        const items = this.items(fb.words, cur.idsAt, n);
        numbered = !this.rules.allocatorPairing;
        if (numbered) hasStatus = this.number(items, allocName, allocOrdinal, state, plan);
        else this.pairAllocator(items, allocName, state, plan.payloadSkipped, plan);
        for (const item of items) {
          const node = plan.root.children.get(item.key);
          const keep = node ? this.visit(item, node, ['payload', item.key], state, plan.payloadSkipped) : !plan.payloadSkipped;
          // None at the top of a payload compares as absent.
          const kept_ = keep && !item.isNull;
          if (kept_ !== (!item.isNull && refSkips[e[ENTRY_WORDS * item.id]!] !== 1) || item.entry) modified = true;
          if (kept_) this.entryInto(item, ew, 4 * kept++);
        }
      } else {
        const nodes = this.nodesByKeyId(plan);
        for (let j = 0; j < n; j++) {
          const id = fb.words[cur.idsAt + j]!;
          const p = ENTRY_WORDS * id;
          const isNull = e[p + 5] === REF_NULL;
          const refKeeps = !isNull && refSkips[e[p]!] !== 1;
          const node = nodes[e[p]!];
          // No rule for the entry, or only skips inside it and none of their fields in it (most calls' arguments): kept as it is.
          if (node === undefined || (!node.skip && this.isPure(node) && !this.namesInside(node, id))) {
            const keep = !isNull && !plan.payloadSkipped;
            if (keep !== refKeeps) modified = true;
            if (keep) this.copyEntry(id, ew, 4 * kept++);
            continue;
          }
          const key = f.dict.keys[e[p]!]!;
          const item: Item = { key, id, value: e.subarray(p + 1, p + 5), entry: null, isNull };
          const keep = this.visit(item, node, this.isPure(node) ? NO_PATH : ['payload', key], state, plan.payloadSkipped) && !item.isNull;
          if (keep !== refKeeps || item.entry) modified = true;
          if (keep) this.entryInto(item, ew, 4 * kept++);
        }
      }
      if (state.pairMarks.length > 0 || (state.marks.length > 0 && !numbered)) modified = true;
      if (!modified && !this.deriveAll) {
        // The rules' key is the index's: nothing to keep (an allocator return reads back as the index numbers it).
        out++;
        continue;
      }
      if (numbered && !plan.payloadSkipped) {
        maskedKeyOf(f.kindWords.subarray(4 * cur.kindId), ew, kept, hasStatus, key, 0);
        canonicalKey(key, 0, allocOrdinal, key, 0);
      } else eventKeyOf(f.kindWords.subarray(4 * cur.kindId), ew, kept, state.pairMarks, state.pairMarks.length, plan.payloadSkipped, key, 0);
      changes.add(out, key, state.pairMarks.length ? DFLAG_PAIRED : 0);
      if (state.marks.length) sentinels.set(out, state.marks);
      out++;
    }
    walk.allocOrdinal = allocOrdinal;
    walk.out = out;
  }

  private readonly touchedIds = new Map<KindPlan, Uint8Array>();
  private readonly refSkipIds = new Map<KindPlan, Uint8Array>();

  /** The reference's skipped fields of the plan's kind, by key id: what the index's key leaves out. */
  private referenceSkips(plan: KindPlan): Uint8Array {
    let flags = this.refSkipIds.get(plan);
    if (!flags) {
      flags = new Uint8Array(this.fields.dict.keys.length);
      for (const key of plan.referenceSkips) {
        const id = this.fields.keyId(key);
        if (id >= 0) flags[id] = 1;
      }
      this.refSkipIds.set(plan, flags);
    }
    return flags;
  }
  private readonly nodesByKey = new Map<RuleNode, (RuleNode | undefined)[]>();

  /** A node's rules on the entries inside it, by key id in this log's dictionary. */
  private nodesByKeyId(plan: KindPlan | RuleNode): (RuleNode | undefined)[] {
    const node = 'root' in plan ? plan.root : plan;
    let nodes = this.nodesByKey.get(node);
    if (!nodes) this.nodesByKey.set(node, (nodes = this.fields.dict.keys.map((k) => node.children.get(k))));
    return nodes;
  }

  /** Whether the entry is an object holding a field the node has a rule for. */
  private namesInside(node: RuleNode, id: number): boolean {
    const e = this.fields.dict.entries;
    const ref = e[ENTRY_WORDS * id + 5]!;
    if (ref < REF_DICT || node.children.size === 0) return false;
    const ch = this.fields.dict.children;
    const start = ref - REF_DICT;
    const n = ch[start]!;
    const nodes = this.nodesByKeyId(node);
    for (let k = 0; k < n; k++) if (nodes[e[ENTRY_WORDS * ch[start + 1 + k]!]!] !== undefined) return true;
    return false;
  }

  /** Depth of the object visit() is inside (its scratch). */
  private depth = 0;
  private readonly scratch: { words: Uint32Array; value: Uint32Array; entry: Uint32Array }[] = [];

  private scratchAt(depth: number, entries: number): { words: Uint32Array; value: Uint32Array; entry: Uint32Array } {
    let s = this.scratch[depth];
    if (!s) this.scratch[depth] = s = { words: new Uint32Array(Math.max(64, 4 * entries)), value: new Uint32Array(4), entry: new Uint32Array(4) };
    if (s.words.length < 4 * entries) s.words = new Uint32Array(8 * entries);
    return s;
  }

  private readonly pureNodes = new Map<RuleNode, boolean>();

  /** Whether only skips are inside a node (nothing numbered or paired): hasCanon, once per node. */
  private isPure(node: RuleNode): boolean {
    let p = this.pureNodes.get(node);
    if (p === undefined) this.pureNodes.set(node, (p = !hasCanon(node)));
    return p;
  }

  /** Entries inside a field that only skip rules touch, as they come out of them (by entry id). */
  private readonly pure = new Map<RuleNode, Map<number, Uint32Array>>();
  private memoHits = 0;
  private memoWorks = true;

  /** Whether an event holds a key its kind's rules treat otherwise than the reference does. */
  private touches(plan: KindPlan, words: Uint32Array, at: number, n: number): boolean {
    let flags = this.touchedIds.get(plan);
    if (!flags) {
      // 1: the key is treated otherwise; 2: only fields inside it are skipped (the reference keeps it), so only an object holding one of them is.
      flags = new Uint8Array(this.fields.dict.keys.length);
      for (const key of plan.touched) {
        const id = this.fields.keyId(key);
        const node = plan.root.children.get(key);
        if (id >= 0) flags[id] = node && !node.skip && this.isPure(node) && !plan.referenceSkips.has(key) ? 2 : 1;
      }
      this.touchedIds.set(plan, flags);
    }
    const e = this.fields.dict.entries;
    for (let j = 0; j < n; j++) {
      const id = words[at + j]!;
      const keyId = e[ENTRY_WORDS * id]!;
      const f = flags[keyId];
      if (f === 1) return true;
      if (f === 2 && this.namesInside(this.nodesByKeyId(plan)[keyId]!, id)) return true;
    }
    return false;
  }

  /** An item's entry hash into out[at..at+4). */
  private entryInto(it: Item, out: Uint32Array, at: number): void {
    if (it.entry) out.set(it.entry, at);
    else this.copyEntry(it.id, out, at);
  }

  /** A dictionary entry's hash into out[at..at+4). */
  private copyEntry(id: number, out: Uint32Array, at: number): void {
    const w = this.fields.entryHash(id);
    const p = 4 * id;
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

  /**
   * payload.name's value hash (as a map key), for canonicalize_allocator_returns'
   * test against the allocators' names; null when there is no name.
   */
  private nameOf(words: Uint32Array, at: number, n: number): string | null {
    if (this.nameKey < 0 || n === 0) return null;
    const e = this.fields.dict.entries;
    for (let j = 0; j < n; j++) {
      const id = words[at + j]!;
      if (e[ENTRY_WORDS * id] !== this.nameKey) continue;
      let k = this.nameKeys.get(id);
      if (k === undefined) this.nameKeys.set(id, (k = wordsKey(e, ENTRY_WORDS * id + 1)));
      return k;
    }
    return null;
  }

  /** The value-hash key of each name entry seen (names recur on every other line). */
  private readonly nameKeys = new Map<number, string>();

  /** canonicalize_allocator_returns' ordinal: per (tid, name), in thread order. */
  private nextOrdinal(ordinals: Map<string, number>, name: string): number {
    const ordinal = ordinals.get(name) ?? 0;
    ordinals.set(name, ordinal + 1);
    return ordinal;
  }

  /** Allocators paired: return_value and status (where not None, and not skipped) go to the pairing, within the allocator's domain. */
  private pairAllocator(items: Item[], name: string, st: EventState, skipAll: boolean, plan: KindPlan): void {
    if (skipAll) return;
    for (const [field, key] of [
      [0, 'return_value'],
      [1, 'status'],
    ] as const) {
      const i = items.findIndex((it) => it.key === key);
      // A skipped field is not compared at all, not even by its pairing.
      if (i < 0 || items[i]!.isNull || plan.root.children.get(key)?.skip) continue;
      st.pairs.pair(field, ALLOCATOR_DOMAIN + this.allocatorIndex.get(name)!, items[i]!.value);
      st.pairMarks.push(field);
      items.splice(i, 1);
    }
  }

  /**
   * canonicalize_allocator_returns: return_value (set even where absent) and
   * status (where present) become <alloc:NAME_N>. Both leave the items: the
   * key is the index's construction (the masked key and the ordinal), so
   * that a return the rules leave as it was keeps the key the index holds.
   * Other rules do not apply to these two fields of an allocator return (a
   * skipped status: its presence is not compared). Returns whether status
   * is present (and compared).
   */
  private number(items: Item[], name: string, ordinal: number, st: EventState, plan: KindPlan): boolean {
    const sentinel = `<alloc:${name}_${ordinal}>`;
    let hasStatus = false;
    for (const key of ['return_value', 'status']) {
      const i = items.findIndex((it) => it.key === key);
      if (i < 0 && key === 'status') continue;
      if (key === 'status') hasStatus = !plan.root.children.get('status')?.skip;
      if (i >= 0) items.splice(i, 1);
      st.marks.push({ path: ['payload', key], value: sentinel, always: key === 'return_value' });
    }
    return hasStatus;
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
        st.pairs.pair(canon.slot, canon.slot, item.value);
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
    // Only skips inside: nothing to count or pair, and the same entry always comes out the same.
    const pure = this.isPure(node);
    if (pure && skip) return false;
    // Most objects hold no field a rule names: found so without writing anything.
    if (!this.namesInside(node, item.id)) return !skip;
    let memo = pure && this.memoWorks ? this.pure.get(node) : undefined;
    if (pure && this.memoWorks && !memo) this.pure.set(node, (memo = new Map()));
    const known = memo?.get(item.id);
    if (known !== undefined) {
      this.memoHits++;
      item.entry = known;
      return true;
    }
    // An object: its entries under the rules inside it (numbered fields count even inside a skipped one), re-hashed if any changed.
    const ch = this.fields.dict.children;
    const start = ref - REF_DICT;
    const n = ch[start]!;
    const nodes = this.nodesByKeyId(node);
    // This object's entries are hashed into its depth's scratch (the entries inside it use the next depth's).
    const scratch = this.scratchAt(this.depth, n);
    const words = scratch.words;
    let kept = 0;
    let changed = false;
    this.depth++;
    try {
      for (let k = 0; k < n; k++) {
        const id = ch[start + 1 + k]!;
        const p = ENTRY_WORDS * id;
        const sub = nodes[e[p]!];
        if (sub === undefined) {
          this.copyEntry(id, words, 4 * kept++);
          continue;
        }
        // Inside a node of skips only, a skipped entry simply goes (nothing in it is counted).
        if (pure && sub.skip) {
          changed = true;
          continue;
        }
        const key = this.fields.dict.keys[e[p]!]!;
        const kid: Item = { key, id, value: e.subarray(p + 1, p + 5), entry: null, isNull: e[p + 5] === REF_NULL };
        // Sentinels are marked only under a numbered rule: there is none inside a node of skips only, nor a path to keep.
        if (!this.visit(kid, sub, pure ? path : [...path, key], st, skip)) {
          changed = true;
          continue;
        }
        if (kid.entry) changed = true;
        this.entryInto(kid, words, 4 * kept++);
      }
    } finally {
      this.depth--;
    }
    if (skip) return false;
    if (!changed) return true;
    // The item's new hash, read by the caller at once (entryInto): the scratch serves until this depth is visited again.
    dictValueHashOf(words, kept, scratch.value, 0);
    item.value = scratch.value;
    item.entry = scratch.entry;
    entryHashOf(item.key, scratch.value, 0, scratch.entry, 0);
    if (memo && memo.size < MEMO_ENTRIES) {
      item.entry = scratch.entry.slice();
      memo.set(item.id, item.entry);
      // Objects that never recur (random arguments) make the memo cost more than it saves: stop it.
      if (memo.size === MEMO_PROBE && this.memoHits < MEMO_PROBE / 8) this.memoWorks = false;
    }
    return true;
  }
}

/** A thread's derivation between two blocks. */
interface ThreadWalk {
  positions: Int32Array | null;
  idxSkip: Uint8Array | null;
  changes: Changes;
  sentinels: Map<number, Sentinel[]>;
  state: EventState;
  allocOrdinals: Map<string, number>;
  allocOrdinal: number;
  key: Uint32Array;
  /** Events of the stream so far. */
  out: number;
}

/** What the derivation of one event collects. */
interface EventState {
  counters: Int32Array;
  marks: Sentinel[];
  pairMarks: number[];
  pairs: Changes;
}

/** The events whose keys the rules change, and their paired values, growing as they come. */
class Changes {
  n = 0;
  pos = new Int32Array(64);
  keys = new Uint32Array(256);
  flags = new Uint8Array(64);
  // Paired values: for change c, [start[c], start[c + 1]).
  start: Int32Array | null;
  private pn = 0;
  private field = new Uint16Array(64);
  private domain = new Uint32Array(64);
  private values = new Uint32Array(256);

  constructor(paired: boolean) {
    this.start = paired ? new Int32Array(65) : null;
  }

  /** An event's paired values follow (add() ends it). */
  begin(): void {
    if (this.start) this.start[this.n] = this.pn;
  }

  /** A paired value of the event begun. */
  pair(field: number, domain: number, v: Uint32Array): void {
    if (this.pn === this.field.length) {
      this.field = grow(this.field, 2 * this.pn);
      this.domain = grow(this.domain, 2 * this.pn);
      this.values = grow(this.values, 8 * this.pn);
    }
    this.field[this.pn] = field;
    this.domain[this.pn] = domain;
    this.values.set(v.subarray(0, 4), 4 * this.pn);
    this.pn++;
  }

  add(pos: number, key: Uint32Array, flags: number): void {
    if (this.n === this.pos.length) {
      this.pos = grow(this.pos, 2 * this.n);
      this.keys = grow(this.keys, 8 * this.n);
      this.flags = grow(this.flags, 2 * this.n);
      if (this.start) this.start = grow(this.start, 2 * this.n + 1);
    }
    this.pos[this.n] = pos;
    this.keys.set(key, 4 * this.n);
    this.flags[this.n] = flags;
    this.n++;
    if (this.start) this.start[this.n] = this.pn;
  }

  thread(length: number, positions: Int32Array | null, idxSkip: Uint8Array | null, sentinels: Map<number, Sentinel[]>): DerivedThread {
    const n = this.n;
    const paired: PairedSet | null = this.start
      ? {
          start: this.start.slice(0, n + 1),
          field: this.field.slice(0, this.pn),
          domain: this.domain.slice(0, this.pn),
          values: this.values.slice(0, 4 * this.pn),
        }
      : null;
    return new DerivedThread(length, positions, this.pos.slice(0, n), this.keys.slice(0, 4 * n), this.flags.slice(0, n), idxSkip, sentinels, paired);
  }
}

function grow<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

function wordsKey(w: Uint32Array, at: number): string {
  return `${w[at]},${w[at + 1]},${w[at + 2]},${w[at + 3]}`;
}
