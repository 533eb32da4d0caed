// Deterministic generator of schema-v1 log pairs (canary, ours) for the demo,
// the tests and the benchmarks. Both sides play the same per-thread script;
// each side adds its own engine-local values (timestamps, raw handles,
// allocator addresses, wait durations), its own tids and its own interleaving,
// and "ours" gets the injected divergences.
//
// The "hostile" profile adds what real logs and the reference's semantics make
// tricky: integers past 2^53, 1.0 against 1 against true, 1e16, unicode and
// quotes, shuffled key order, ours-only fields, gaps in tid_event_idx, threads
// without kernel.call, shared first-call names, CRLF and blank lines, threads
// of unequal length.
import { closeSync, openSync, writeSync } from 'node:fs';
import { Rng } from './prng';

/** A number written with a chosen spelling ("2.50", "1E2", "1.0"): what Python reads is what counts. */
class NumberLiteral {
  constructor(readonly text: string) {}
}
type GenValue = null | boolean | bigint | number | string | NumberLiteral | GenValue[] | Map<string, GenValue>;
type GenMap = Map<string, GenValue>;

export type Profile = 'realistic' | 'hostile';

export interface GenerateOptions {
  seed: number | string;
  /** Events per thread on average (canary side). */
  eventsPerThread: number;
  threads: number;
  profile: Profile;
  /** How many threads get an injected divergence on the ours side. */
  divergences: number;
  /**
   * Known edits to ours, by thread (the thread's index, 0-based, in canary's
   * tid order): at a canary position, insert events, delete events, change
   * events, or cut the thread there (as a crash would). For the alignment's
   * tests and benchmark: what was injected bounds what the alignment may report.
   */
  edits?: ReadonlyMap<number, readonly Edit[]>;
  /**
   * Engine bugs of ours (see plannedBug): recurring divergences, each with one
   * signature, the same in every run of the same seed. Two runs that share
   * canary and differ in their bugs are yesterday's run and today's: a bug
   * only in the first is fixed, one only in the second is new.
   */
  bugs?: readonly Bug[];
  /** Threads that trip the reference's automatic mapping (issue 14): see ThreadMappingTrap. */
  mappingTrap?: ThreadMappingTrap;
}

/**
 * Logs on which pairing threads by their first kernel.call name goes wrong:
 * the first `sharedFirstCall` threads all start with KeInitializeThread and
 * ours creates them in another order than canary (tids and first appearances
 * follow each engine's creation order, so sorted tids zipped pair them wrong);
 * the last `firstCallDiffers` threads start with another call in ours. Every
 * thread still plays the same script on both sides.
 */
export interface ThreadMappingTrap {
  sharedFirstCall: number;
  firstCallDiffers: number;
}

/** The call ours makes first, instead of canary's, in a thread whose first call differs. */
const DIFFERING_FIRST_CALL = 'KeQueryPerformanceFrequency';
const SHARED_FIRST_CALL = 'KeInitializeThread';

/** The entry name of thread `index` under a trap: the shared group first, the others from the rest of ENTRY_NAMES. */
function trapEntryName(trap: ThreadMappingTrap, index: number): string {
  return index < trap.sharedFirstCall ? SHARED_FIRST_CALL : ENTRY_NAMES[1 + ((index - trap.sharedFirstCall) % (ENTRY_NAMES.length - 1))]!;
}

/** Ours returns the wrong `field` from every `every`-th `call` of these threads. */
export interface Bug {
  id: number;
  call: string;
  field: 'status';
  value: string;
  /** Thread indexes (0-based, in canary's tid order). */
  threads: readonly number[];
  every: number;
}

const WRONG_STATUSES = ['0xC0000034', '0xC0000011', '0xC000000D', '0xC0000022', '0xC00000BB', '0x80000005', '0xC0000008', '0xC000009A'];

export interface Edit {
  /** Position in the canary thread (0-based). */
  at: number;
  /** alloc: an extra allocator call in ours (a kernel.call and its kernel.return, with an address of its own). */
  op: 'insert' | 'delete' | 'change' | 'truncate' | 'alloc';
  /** Events inserted, deleted or changed (ignored by truncate). Deletes pass over allocator returns. */
  count: number;
}

/** What an edit costs an alignment at most: events only on one side, plus both sides of changed ones. */
export function editCost(edits: readonly Edit[], threadLength: number): number {
  let cost = 0;
  let cut = threadLength;
  for (const e of edits) {
    if (e.op === 'truncate') cut = Math.min(cut, e.at);
  }
  for (const e of edits) {
    if (e.op === 'truncate') continue;
    if (e.at >= cut) continue;
    cost += e.op === 'change' || e.op === 'alloc' ? 2 * e.count : e.count;
  }
  return cost + (threadLength - cut);
}

/**
 * About `perThread` known edits in every thread, of all kinds, placed at random
 * (seeded): single events and short runs inserted, deleted and changed, now and
 * then a block of hundreds of inserted events.
 */
export function plannedEdits(
  opts: Pick<GenerateOptions, 'seed' | 'eventsPerThread' | 'threads' | 'profile' | 'mappingTrap'>,
  perThread: number,
): Map<number, Edit[]> {
  const rng = new Rng(`lockstep:${opts.seed}:edits`);
  const out = new Map<number, Edit[]>();
  threadLengths(opts).forEach((len, t) => {
    const edits: Edit[] = [];
    for (let k = 0; k < perThread; k++) {
      const at = rng.int(0, Math.max(0, len - 1));
      const roll = rng.float();
      if (roll < 0.05) edits.push({ at, op: 'insert', count: rng.int(200, 500) });
      else if (roll < 0.35) edits.push({ at, op: 'insert', count: rng.int(1, 3) });
      else if (roll < 0.65) edits.push({ at, op: 'delete', count: rng.int(1, 3) });
      else edits.push({ at, op: 'change', count: rng.int(1, 2) });
    }
    out.set(t, edits);
  });
  return out;
}

/**
 * Bug number `id` (1, 2, …) of a seed: a call of its own (ids up to the number
 * of call names never share one), a wrong status, the threads it shows in and
 * how often. Drawn from (seed, id) alone: bug 3 is the same whichever other
 * bugs a run has.
 */
export function plannedBug(seed: number | string, id: number, threads: number): Bug {
  const rng = new Rng(`lockstep:${seed}:bug:${id}`);
  const offset = new Rng(`lockstep:${seed}:bugs`).int(0, CALL_NAMES.length - 1);
  const call = CALL_NAMES[(offset + id - 1) % CALL_NAMES.length]!;
  const chosen = Array.from({ length: threads }, (_, t) => t).filter(() => rng.chance(0.5));
  return {
    id,
    call,
    field: 'status',
    value: WRONG_STATUSES[(id - 1) % WRONG_STATUSES.length]!,
    threads: chosen.length > 0 ? chosen : [rng.int(0, threads - 1)],
    every: rng.int(2, 6),
  };
}

/** The length of each thread's canary stream for these options (edits are placed by it). */
export function threadLengths(opts: Pick<GenerateOptions, 'seed' | 'eventsPerThread' | 'threads' | 'profile' | 'mappingTrap'>): number[] {
  return scriptsOf(opts).map((s) => s.length);
}

function scriptsOf(opts: Pick<GenerateOptions, 'seed' | 'eventsPerThread' | 'threads' | 'profile' | 'mappingTrap'>): ThreadScript[] {
  return Array.from(
    { length: opts.threads },
    (_, i) =>
      new ThreadScript(`${opts.seed}:thread:${i}`, i, opts.eventsPerThread, opts.profile, opts.mappingTrap ? trapEntryName(opts.mappingTrap, i) : undefined),
  );
}

export interface GeneratedPair {
  canaryEvents: number;
  oursEvents: number;
  canaryBytes: number;
  oursBytes: number;
}

type Side = 'canary' | 'ours';

const CALL_NAMES = [
  'NtCreateFile',
  'NtReadFile',
  'NtWriteFile',
  'NtClose',
  'KeWaitForSingleObject',
  'KeSetEvent',
  'NtQueryInformationFile',
  'RtlEnterCriticalSection',
  'RtlLeaveCriticalSection',
  'XexGetProcedureAddress',
  'KeQueryPerformanceCounter',
  'NtDeviceIoControlFile',
  'ObReferenceObjectByHandle',
  'KeDelayExecutionThread',
];
const ALLOCATORS = ['MmAllocatePhysicalMemoryEx', 'MmAllocatePhysicalMemory', 'NtAllocateVirtualMemory', 'RtlAllocateHeap', 'MmCreateKernelStack'];
const ENTRY_NAMES = ['KeInitializeThread', 'XamTaskSchedule', 'ExCreateThread', 'KeResumeThread', 'VdInitializeEngines'];
const STRINGS = [
  'game:\\default.xex',
  'cache:\\shader_42.bin',
  'Ünïcödé ✓',
  '日本語のパス',
  'emoji 😀 here',
  "it's quoted",
  'say "hi"',
  'back\\slash',
  'tab\there',
  'line\nbreak',
  'nul\u0000byte',
  'del\u007fchar',
  'zero\u200bwidth',
  'ﬁligature',
  '',
];

interface Template {
  kind: string;
  payload: GenMap | null; // null: no payload key
  alloc?: string; // allocator kernel.return: return_value/status per side
  rawHandle?: boolean;
  waitEnd?: boolean;
}

interface Divergence {
  at: number; // template position in the thread
  type: 'value' | 'insert' | 'drop' | 'kind' | 'idx' | 'extra-field' | 'truncate' | 'alloc-extra' | 'bigint-near';
}

/** One guest thread's behaviour: the same on both sides. */
class ThreadScript {
  private readonly rng: Rng;
  private readonly queue: Template[] = [];
  private made = 0;
  readonly length: number;
  readonly entryName: string | null;
  readonly idxGaps: boolean;

  constructor(
    seed: string,
    readonly index: number,
    eventsPerThread: number,
    private readonly profile: Profile,
    /** The thread's first call, chosen by a ThreadMappingTrap. */
    entryOverride?: string,
  ) {
    this.rng = new Rng(seed);
    const r = this.rng;
    this.length = Math.max(1, Math.round(eventsPerThread * (profile === 'hostile' ? r.float() * 1.6 + 0.2 : 0.85 + r.float() * 0.3)));
    const noCalls = profile === 'hostile' && r.chance(0.12);
    this.entryName = noCalls ? null : profile === 'hostile' ? r.pick(ENTRY_NAMES.slice(0, 3)) : ENTRY_NAMES[index % ENTRY_NAMES.length]!;
    if (entryOverride !== undefined) this.entryName = entryOverride;
    this.idxGaps = profile === 'hostile' && r.chance(0.3);
  }

  next(): Template | null {
    if (this.made >= this.length) return null;
    if (this.queue.length === 0) this.plan();
    this.made++;
    return this.queue.shift()!;
  }

  private value(depth = 0): GenValue {
    const r = this.rng;
    if (this.profile === 'realistic') return r.chance(0.6) ? BigInt(r.int(0, 0xffff)) : r.pick(STRINGS.slice(0, 2));
    switch (r.int(0, depth > 1 ? 8 : 11)) {
      case 0:
        return BigInt(r.int(-5, 100000));
      case 1:
        return r.pick([2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n + 7n, 18446744073709551615n, 9007199254740993n]);
      case 2:
        return r.pick([1.5, 0.1, -0.0, 1e16, 1e-7, 123456789.125, 1e300, 2.5, 3.0, 1e22, 5e-324]);
      case 3:
        return r.chance(0.5);
      case 4:
        return null;
      case 5:
      case 6:
        return r.pick(STRINGS);
      case 7:
        return BigInt(r.pick([0, 1, 16, 255]));
      case 8:
        return r.pick([new NumberLiteral('2.50'), new NumberLiteral('1E2'), new NumberLiteral('-0'), new NumberLiteral('1.0'), new NumberLiteral('0.0')]);
      case 9:
      case 10: {
        const m: GenMap = new Map();
        const n = r.int(0, 4);
        for (let i = 0; i < n; i++) m.set(r.pick(['a', 'b', 'size', 'flags', '0', '10', 'é', 'z']), this.value(depth + 1));
        return m;
      }
      default: {
        const n = r.int(0, 3);
        const l: GenValue[] = [];
        for (let i = 0; i < n; i++) l.push(this.value(depth + 1));
        return l;
      }
    }
  }

  private returnValue(): GenValue {
    const r = this.rng;
    if (r.chance(0.8)) return 0n;
    if (this.profile === 'hostile' && r.chance(0.4)) return r.pick([2n ** 53n, 2n ** 64n - 1n, -(2n ** 63n), 1e16, new NumberLiteral('1.0')]);
    return BigInt(0xc0000000 + r.int(0, 0x100));
  }

  private args(): GenMap {
    const r = this.rng;
    const m: GenMap = new Map();
    const n = this.profile === 'hostile' ? r.int(0, 4) : r.int(1, 3);
    const names = ['handle', 'buffer', 'length', 'timeout', 'flags', 'path', 'offset', 'count'];
    for (let i = 0; i < n; i++) m.set(names[(i + this.made) % names.length]!, this.value());
    return m;
  }

  private plan(): void {
    const r = this.rng;
    const q = this.queue;
    if (this.made === 0 && this.entryName !== null) {
      q.push(
        {
          kind: 'kernel.call',
          payload: new Map<string, GenValue>([
            ['name', this.entryName],
            ['ord', BigInt(100 + this.index)],
            ['args_resolved', this.args()],
          ]),
        },
        {
          kind: 'kernel.return',
          payload: new Map<string, GenValue>([
            ['name', this.entryName],
            ['ord', BigInt(100 + this.index)],
            ['return_value', 0n],
            ['status', '0x00000000'],
          ]),
        },
      );
      return;
    }
    if (this.made === 0 && this.profile === 'hostile') {
      q.push({
        kind: 'thread.create',
        payload: new Map<string, GenValue>([
          ['entry', BigInt(0x82000000 + this.index)],
          ['suspended', false],
        ]),
      });
      return;
    }
    const roll = r.float();
    const calls = this.entryName !== null;
    if (calls && roll < 0.08) {
      const name = r.pick(ALLOCATORS);
      const ord = BigInt(ALLOCATORS.indexOf(name) + 186);
      const ret: GenMap = new Map<string, GenValue>([
        ['name', name],
        ['ord', ord],
        ['return_value', 0n],
      ]);
      if (r.chance(0.8)) ret.set('status', '0x0');
      q.push(
        {
          kind: 'kernel.call',
          payload: new Map<string, GenValue>([
            ['name', name],
            ['ord', ord],
            ['args_resolved', this.args()],
          ]),
        },
        { kind: 'kernel.return', payload: ret, alloc: name },
      );
    } else if (calls && roll < 0.6) {
      const name = r.pick(CALL_NAMES);
      const ord = BigInt(CALL_NAMES.indexOf(name) + 1);
      q.push(
        {
          kind: 'kernel.call',
          payload: new Map<string, GenValue>([
            ['name', name],
            ['ord', ord],
            ['args_resolved', this.args()],
          ]),
        },
        {
          kind: 'kernel.return',
          payload: new Map<string, GenValue>([
            ['name', name],
            ['ord', ord],
            ['return_value', this.returnValue()],
            ['status', '0x00000000'],
          ]),
        },
      );
    } else if (roll < 0.72) {
      const sid = `h${this.index}_${this.made}`;
      q.push({
        kind: 'handle.create',
        payload: new Map<string, GenValue>([
          ['handle_semantic_id', sid],
          ['raw_handle_id', 0n],
          ['type', r.pick(['event', 'file', 'thread'])],
        ]),
        rawHandle: true,
      });
      if (r.chance(0.7))
        q.push({
          kind: 'handle.destroy',
          payload: new Map<string, GenValue>([
            ['handle_semantic_id', sid],
            ['raw_handle_id', 0n],
          ]),
          rawHandle: true,
        });
    } else if (roll < 0.86) {
      const obj = `obj${r.int(0, 20)}`;
      q.push(
        {
          kind: 'wait.begin',
          payload: new Map<string, GenValue>([
            ['object', obj],
            ['timeout', r.chance(0.5) ? null : BigInt(r.int(0, 1000))],
          ]),
        },
        {
          kind: 'wait.end',
          payload: new Map<string, GenValue>([
            ['object', obj],
            ['result', 0n],
            ['wait_duration_cycles', 0n],
          ]),
          waitEnd: true,
        },
      );
    } else if (roll < 0.93) {
      const m: GenMap = new Map();
      if (this.profile === 'hostile' && r.chance(0.3)) m.set('name', '');
      else m.set('name', r.pick(['XamInputGetState', 'XNotifyGetNext', 'XamUserGetSigninState']));
      m.set('ord', BigInt(r.int(400, 900)));
      q.push({ kind: 'import.call', payload: m });
    } else if (this.profile === 'hostile' && roll < 0.97) {
      q.push({
        kind: r.pick(['custom.marker', 'gpu.swap']),
        payload: r.chance(0.3)
          ? null
          : new Map<string, GenValue>([
              ['frame', BigInt(this.made)],
              ['note', r.pick(STRINGS)],
            ]),
      });
    } else {
      q.push({ kind: 'thread.exit', payload: new Map<string, GenValue>([['exit_code', 0n]]) });
    }
  }
}

/** Python-equal respellings for the ours side: 1 as true or 1.0, 1e16 as an int, 2.5 as "2.50", keys reordered. */
function respell(v: GenValue, r: Rng): GenValue {
  if (typeof v === 'bigint') {
    if (v === 1n && r.chance(0.3)) return r.chance(0.5) ? true : new NumberLiteral('1.0');
    if (v === 0n && r.chance(0.3)) return r.chance(0.5) ? false : new NumberLiteral('0.0');
    if (v === 16n && r.chance(0.3)) return new NumberLiteral('1.6e1');
    return v;
  }
  if (typeof v === 'number') {
    if (v === 1e16 && r.chance(0.5)) return 10000000000000000n;
    if (v === 2.5 && r.chance(0.5)) return new NumberLiteral('2.50');
    if (v === 3.0 && r.chance(0.5)) return 3n;
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => respell(x, r));
  if (v instanceof Map) {
    const entries = [...v.entries()].map(([k, x]) => [k, respell(x, r)] as [string, GenValue]);
    if (r.chance(0.5)) r.shuffle(entries);
    return new Map(entries);
  }
  return v;
}

function clonePayload(p: GenMap): GenMap {
  return new Map([...p.entries()]);
}

// --- writing ------------------------------------------------------------------

function hex(n: number, w: number): string {
  return n.toString(16).padStart(w, '0');
}

function writeString(s: string, ascii: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20) out += '\\u' + hex(c, 4);
    else if (ascii && c > 0x7e) {
      for (let i = 0; i < ch.length; i++) out += '\\u' + hex(ch.charCodeAt(i), 4);
    } else out += ch;
  }
  return out + '"';
}

function floatText(x: number): string {
  if (Number.isInteger(x)) return Object.is(x, -0) ? '-0.0' : Math.abs(x) >= 1e16 ? x.toExponential().replace('e+', 'e') : x.toFixed(1);
  return String(x).replace('e+', 'e');
}

function writeValue(v: GenValue, ascii: boolean, sep: string): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      return floatText(v);
    case 'string':
      return writeString(v, ascii);
  }
  if (v instanceof NumberLiteral) return v.text;
  if (Array.isArray(v)) return '[' + v.map((x) => writeValue(x, ascii, sep)).join(sep) + ']';
  const parts: string[] = [];
  for (const [k, x] of v) parts.push(`${writeString(k, ascii)}:${sep === ',' ? '' : ' '}${writeValue(x, ascii, sep)}`);
  return '{' + parts.join(sep) + '}';
}

class LineFile {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;
  bytes = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length === 0) return;
    const b = Buffer.from(this.buf.join(''), 'utf8');
    writeSync(this.fd, b);
    this.bytes += b.length;
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

interface SideStyle {
  crlf: boolean;
  blankLines: number;
  ascii: boolean;
  sep: string;
  respell: boolean;
  oursOnlyNull: boolean;
  keyOrder: 'canary' | 'ours';
  trailingNewline: boolean;
}

function sideStyle(profile: Profile, r: Rng, side: Side): SideStyle {
  if (profile === 'realistic') {
    return { crlf: false, blankLines: 0, ascii: true, sep: ', ', respell: false, oursOnlyNull: false, keyOrder: side, trailingNewline: true };
  }
  return {
    crlf: r.chance(0.2),
    blankLines: r.chance(0.3) ? 0.05 : 0,
    ascii: r.chance(0.5),
    sep: r.pick([', ', ',']),
    respell: side === 'ours' && r.chance(0.7),
    oursOnlyNull: side === 'ours' && r.chance(0.3),
    keyOrder: side,
    trailingNewline: r.chance(0.85),
  };
}

/** Renders one side's events: its tids, its engine-local values, its interleaving. */
class SideWriter {
  private readonly file: LineFile;
  private readonly style: SideStyle;
  private hostNs = 1732700000000000000n;
  private cycle = 0;
  private readonly allocBase: number;
  private readonly ordinalsLeft = new Map<string, number>();
  private first = true;
  events = 0;

  constructor(
    path: string,
    readonly side: Side,
    profile: Profile,
    private readonly rng: Rng,
  ) {
    this.file = new LineFile(path);
    this.style = sideStyle(profile, rng, side);
    this.allocBase = side === 'canary' ? 0xbc220000 : 0x40105000;
    this.line(
      writeValue(
        new Map<string, GenValue>([
          ['kind', 'schema_version'],
          ['schema_version', 1n],
          ['engine', side === 'canary' ? 'canary' : 'ours'],
        ]),
        true,
        ', ',
      ),
    );
  }

  private line(s: string): void {
    const nl = this.style.crlf ? '\r\n' : '\n';
    if (!this.first && this.style.blankLines > 0 && this.rng.chance(this.style.blankLines)) this.file.write(nl);
    this.file.write((this.first ? '' : nl) + s);
    this.first = false;
  }

  emit(tid: bigint, idx: bigint, t: Template, extra: GenMap | null): void {
    const r = this.rng;
    let payload: GenValue | undefined = t.payload === null ? undefined : clonePayload(t.payload);
    if (payload instanceof Map) {
      if (t.alloc) {
        const va = this.allocBase + 0x1000 * (this.ordinalsLeft.get(t.alloc) ?? 0);
        this.ordinalsLeft.set(t.alloc, (this.ordinalsLeft.get(t.alloc) ?? 0) + 1);
        payload.set('return_value', BigInt(va));
        if (payload.has('status')) payload.set('status', '0x' + va.toString(16).toUpperCase().padStart(8, '0'));
      }
      if (t.rawHandle) payload.set('raw_handle_id', BigInt(this.side === 'canary' ? 0x1000 + r.int(0, 4000) : 0xf8000000 + r.int(0, 4000)));
      if (t.waitEnd) payload.set('wait_duration_cycles', BigInt(r.int(0, 500000)));
      if (this.style.respell) payload = respell(payload, r);
      if (this.style.oursOnlyNull && r.chance(0.2)) (payload as GenMap).set('ours_debug', null);
      if (extra) for (const [k, v] of extra) (payload as GenMap).set(k, v);
    }
    this.hostNs += BigInt(r.int(100, 90000));
    this.cycle += r.int(10, 5000);
    const ev: GenMap = new Map();
    const fields: [string, GenValue | undefined][] =
      this.side === 'canary'
        ? [
            ['engine', 'canary'],
            ['tid', tid],
            ['tid_event_idx', idx],
            ['kind', t.kind],
            ['payload', payload],
            ['host_ns', this.hostNs],
            ['guest_cycle', BigInt(this.cycle)],
            ['deterministic', true],
          ]
        : [
            ['tid', tid],
            ['kind', t.kind],
            ['tid_event_idx', idx],
            ['payload', payload],
            ['engine', 'ours'],
            ['host_ns', this.hostNs],
            ['guest_cycle', BigInt(this.cycle)],
            ['deterministic', r.chance(0.9)],
          ];
    for (const [k, v] of fields) if (v !== undefined) ev.set(k, v);
    this.line(writeValue(ev, this.style.ascii, this.style.sep));
    this.events++;
  }

  close(): number {
    if (this.style.trailingNewline) this.file.write(this.style.crlf ? '\r\n' : '\n');
    this.file.close();
    return this.file.bytes;
  }
}

function chooseDivergences(opts: GenerateOptions, scripts: ThreadScript[], r: Rng): Map<number, Divergence> {
  const out = new Map<number, Divergence>();
  const order = r.shuffle(scripts.map((s) => s.index));
  const types: Divergence['type'][] =
    opts.profile === 'hostile'
      ? ['value', 'insert', 'drop', 'kind', 'idx', 'extra-field', 'truncate', 'alloc-extra', 'bigint-near']
      : ['value', 'insert', 'drop', 'extra-field', 'alloc-extra'];
  for (const i of order.slice(0, opts.divergences)) {
    const len = scripts[i]!.length;
    out.set(i, { at: r.int(Math.min(len - 1, 2), len - 1), type: r.pick(types) });
  }
  return out;
}

/** Each thread's tid on both sides: canary numbers its threads from 6, ours from 1, each in its own order. */
function threadTids(opts: GenerateOptions, root: Rng, probe: ThreadScript[]): { canaryTids: bigint[]; oursTids: bigint[] } {
  const canaryTids = probe.map((_, i) => BigInt(6 + i));
  const tidRng = root.fork('ours-tids');
  const oursOrder = tidRng.shuffle(probe.map((_, i) => i));
  const oursTids = new Array<bigint>(probe.length);
  oursOrder.forEach((threadIndex, k) => (oursTids[threadIndex] = BigInt(1 + k)));
  // Threads that share a first call name are usually created in the same order
  // by both engines: keep their tids in the same order so that the automatic
  // mapping (sorted tids zipped) pairs them right. Hostile runs sometimes don't.
  if (!(opts.profile === 'hostile' && tidRng.chance(0.25))) {
    const groups = new Map<string | null, number[]>();
    probe.forEach((s, i) => groups.set(s.entryName, [...(groups.get(s.entryName) ?? []), i]));
    for (const members of groups.values()) {
      const tids = members.map((i) => oursTids[i]!).sort((a, b) => (a < b ? -1 : 1));
      members.forEach((i, k) => (oursTids[i] = tids[k]!));
    }
  }
  const shared = opts.mappingTrap?.sharedFirstCall ?? 0;
  if (shared > 1) {
    // Ours creates the shared group in another order: no thread keeps its place among them.
    const group = Array.from({ length: shared }, (_, i) => i);
    const tids = group.map((i) => oursTids[i]!).sort((a, b) => (a < b ? -1 : 1));
    const orderRng = new Rng(`lockstep:${opts.seed}:creation-order`);
    let order = group;
    while (order.some((v, k) => v === k)) order = orderRng.shuffle(group.slice());
    group.forEach((i, k) => (oursTids[i] = tids[order[k]!]!));
  }

  return { canaryTids, oursTids };
}

/** The mapping the generator made, as `--tid-map` takes it (canary=ours for every thread). */
export function generatedTidMap(opts: Omit<GenerateOptions, 'edits' | 'divergences'>): string {
  const full = { ...opts, divergences: 0 };
  const root = new Rng(`lockstep:${opts.seed}`);
  const probe = scriptsOf(opts);
  root.fork('divergences'); // as generatePair draws it, before the tids
  const { canaryTids, oursTids } = threadTids(full, root, probe);
  return canaryTids.map((c, i) => `${c}=${oursTids[i]}`).join(',');
}

/**
 * Write a pair of logs. Thread scripts are generated lazily, so a pair of any
 * size is written in constant memory.
 */
export function generatePair(canaryPath: string, oursPath: string, opts: GenerateOptions): GeneratedPair {
  const root = new Rng(`lockstep:${opts.seed}`);
  const scripts = Array.from({ length: opts.threads }, (_, i) => `${opts.seed}:thread:${i}`);
  const divRng = root.fork('divergences');
  const probe = scriptsOf(opts);
  const divergences = chooseDivergences(opts, probe, divRng);
  const trap = opts.mappingTrap;
  const differing = new Set<number>();
  for (let k = 0; trap && k < trap.firstCallDiffers; k++) differing.add(opts.threads - 1 - k);

  const { canaryTids, oursTids } = threadTids(opts, root, probe);

  const sides: [Side, string][] = [
    ['canary', canaryPath],
    ['ours', oursPath],
  ];
  const result: GeneratedPair = { canaryEvents: 0, oursEvents: 0, canaryBytes: 0, oursBytes: 0 };
  for (const [side, path] of sides) {
    const sideRng = root.fork(`side:${side}`);
    const w = new SideWriter(path, side, opts.profile, sideRng);
    const live = probe.map((_, i) => ({
      i,
      script: new ThreadScript(scripts[i]!, i, opts.eventsPerThread, opts.profile, trap ? trapEntryName(trap, i) : undefined),
      started: false,
      pos: 0,
      idx: 0n,
      done: false,
      edits: side === 'ours' ? [...(opts.edits?.get(i) ?? [])].sort((a, b) => a.at - b.at) : [],
      nextEdit: 0,
      deleting: 0,
      changing: 0,
      bugs: side === 'ours' ? (opts.bugs ?? []).filter((b) => b.threads.includes(i)).map((bug) => ({ bug, seen: 0 })) : [],
    }));
    let inserted = 0;
    // Under a trap, threads appear in the order their engine created them (by tid), one after another.
    const tids = side === 'canary' ? canaryTids : oursTids;
    const startOrder = live.map((th) => th.i).sort((a, b) => (tids[a]! < tids[b]! ? -1 : 1));
    let nextStart = 1;
    const active = trap ? [live[startOrder[0]!]!] : live.slice();
    while (active.length > 0) {
      const k = sideRng.int(0, active.length - 1);
      const th = active[k]!;
      if (trap && !th.started) {
        th.started = true;
        if (nextStart < startOrder.length) active.push(live[startOrder[nextStart++]!]!);
      }
      const tid = side === 'canary' ? canaryTids[th.i]! : oursTids[th.i]!;
      const t = th.script.next();
      const div = side === 'ours' ? divergences.get(th.i) : undefined;
      if (t === null || (div && div.type === 'truncate' && th.pos === div.at)) {
        // Events inserted at the very end of the thread.
        for (const e of th.edits.slice(th.nextEdit)) {
          if (e.op !== 'insert' || t !== null) continue;
          for (let n = 0; n < e.count; n++) {
            w.emit(
              tid,
              th.idx,
              {
                kind: 'kernel.call',
                payload: new Map<string, GenValue>([
                  ['name', 'LockstepInserted'],
                  ['ord', BigInt(++inserted)],
                ]),
              },
              null,
            );
            th.idx += 1n;
          }
        }
        active.splice(k, 1);
        continue;
      }
      // Known edits at this position, in order (ours only).
      let cut = false;
      while (th.nextEdit < th.edits.length && th.edits[th.nextEdit]!.at === th.pos) {
        const e = th.edits[th.nextEdit++]!;
        if (e.op === 'truncate') cut = true;
        else if (e.op === 'delete') th.deleting += e.count;
        else if (e.op === 'change') th.changing += e.count;
        else if (e.op === 'alloc')
          for (let n = 0; n < e.count; n++) {
            const call = new Map<string, GenValue>([
              ['name', 'RtlAllocateHeap'],
              ['ord', 189n],
              ['args_resolved', new Map<string, GenValue>([['size', 64n]])],
            ]);
            w.emit(tid, th.idx, { kind: 'kernel.call', payload: call }, null);
            th.idx += 1n;
            const ret = new Map<string, GenValue>([
              ['name', 'RtlAllocateHeap'],
              ['ord', 189n],
              ['return_value', 0n],
              ['status', '0x0'],
            ]);
            w.emit(tid, th.idx, { kind: 'kernel.return', payload: ret, alloc: 'RtlAllocateHeap' }, null);
            th.idx += 1n;
          }
        else
          for (let n = 0; n < e.count; n++) {
            const payload = new Map<string, GenValue>([
              ['name', 'LockstepInserted'],
              ['ord', BigInt(++inserted)],
            ]);
            w.emit(tid, th.idx, { kind: 'kernel.call', payload }, null);
            th.idx += 1n;
          }
      }
      if (cut) {
        active.splice(k, 1);
        continue;
      }
      // Deletes pass over allocator returns: removing one would shift every later ordinal, a
      // divergence of its own that no count of deleted events would bound.
      if (th.deleting > 0 && !t.alloc) {
        th.deleting--;
        th.pos++;
        continue;
      }
      let extra: GenMap | null = null;
      if (th.changing > 0) {
        th.changing--;
        extra = new Map<string, GenValue>([['lockstep_changed', BigInt(th.pos)]]);
      }
      let template = t;
      if (side === 'ours' && differing.has(th.i) && th.pos < 2 && t.payload?.get('name') === th.script.entryName) {
        template = { ...t, payload: new Map(t.payload).set('name', DIFFERING_FIRST_CALL) };
      }
      if (div && th.pos === div.at) {
        switch (div.type) {
          case 'insert':
            w.emit(
              tid,
              th.idx,
              {
                kind: 'kernel.call',
                payload: new Map<string, GenValue>([
                  ['name', 'NtYieldExecution'],
                  ['ord', 999n],
                ]),
              },
              null,
            );
            th.idx += 1n;
            break;
          case 'drop':
            th.pos++;
            continue;
          case 'kind':
            template = { ...t, kind: t.kind === 'kernel.call' ? 'import.call' : 'kernel.call' };
            break;
          case 'idx':
            th.idx += 1n;
            break;
          case 'extra-field':
            extra = new Map<string, GenValue>([['ours_note', 'unexpected']]);
            break;
          case 'alloc-extra':
            w.emit(
              tid,
              th.idx,
              {
                kind: 'kernel.return',
                payload: new Map<string, GenValue>([
                  ['name', 'RtlAllocateHeap'],
                  ['ord', 189n],
                  ['return_value', 0n],
                ]),
                alloc: 'RtlAllocateHeap',
              },
              null,
            );
            th.idx += 1n;
            break;
          case 'bigint-near': {
            // A difference only past 2^53: invisible to anything that reads numbers as doubles.
            const p = new Map(t.payload ?? []);
            const big = [...p.entries()].find(([, v]) => typeof v === 'bigint' && (v >= 2n ** 53n || v <= -(2n ** 53n)));
            if (big) p.set(big[0], (big[1] as bigint) + 1n);
            else p.set('big', 2n ** 53n + 1n);
            template = { ...t, payload: p };
            break;
          }
          case 'value':
            if (t.payload && t.payload.size > 0) {
              const p = new Map(t.payload);
              const key = [...p.keys()][sideRng.int(0, p.size - 1)]!;
              p.set(key, typeof p.get(key) === 'bigint' ? (p.get(key) as bigint) + 1n : 'changed');
              template = { ...t, payload: p };
            } else extra = new Map<string, GenValue>([['changed', true]]);
            break;
          case 'truncate':
            break;
        }
      }
      // Bugs count every return of their call (applied or not), so that one bug's hunks do not move when another is fixed.
      if (th.bugs.length > 0 && template.kind === 'kernel.return') {
        const name = template.payload?.get('name');
        let hit: Bug | null = null;
        for (const b of th.bugs) if (b.bug.call === name && b.seen++ % b.bug.every === 0) hit ??= b.bug;
        if (hit) extra = new Map<string, GenValue>([...(extra ?? []), [hit.field, hit.value]]);
      }
      w.emit(tid, th.idx, template, extra);
      th.pos++;
      th.idx += th.script.idxGaps ? BigInt(1 + (th.pos % 3)) : 1n;
    }
    const bytes = w.close();
    if (side === 'canary') {
      result.canaryEvents = w.events;
      result.canaryBytes = bytes;
    } else {
      result.oursEvents = w.events;
      result.oursBytes = bytes;
    }
  }
  return result;
}
