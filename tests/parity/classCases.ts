// The parity cases of issue 12's classes, each a small log pair with the
// command line and environment a script would give both tools:
//
//   argv        argparse's order of work: -h anywhere, prefixes unique and
//               shared, --opt=value and --opt=--, values that start with '-'
//   paths       file names that are not UTF-8 (--canary, --ours, --out), and
//               decoys named with U+FFFD where Node's decoding would look
//   surrogates  lone surrogates (JSON "\udcff") in tids, names, kinds, handle
//               ids and values, under python3's stdout handlers
//   digits      --tid-map ints past Python's 4300-digit limit for str(), and
//               logs at the limit
//
// Deterministic: case `${cls}-${n}` is the same everywhere, so its reference
// output can be kept as a golden file. In names and arguments a lone
// surrogate U+DC80..U+DCFF stands for the byte it escapes (py/codecs.ts).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Rng } from '../../src/main/generator/prng';
import { DIFF_SPEC } from '../../src/main/cli/diffCommand';
import { randomArgv } from '../support/argv';
import { casePath } from './runTools';

export const CLASSES = ['argv', 'paths', 'surrogates', 'digits'] as const;
export type CaseClass = (typeof CLASSES)[number];

export interface ClassCase {
  id: string;
  cls: CaseClass;
  /** The files of the case's directory, by name: their text (JSON escapes keep it ASCII), or a directory. */
  files: Record<string, string | { dir: true }>;
  /** Arguments after the tool's name. */
  args: string[];
  /** Environment changes for both tools (null: unset). */
  env: Record<string, string | null>;
}

const HEADER = '{"kind": "schema_version", "schema_version": 1}';

/** One thread of a log: its tid and its events' kinds and payloads, as JSON texts. */
interface Thread {
  tid: string;
  events: { kind: string; payload: string }[];
}

function logText(threads: Thread[], r: Rng): string {
  const lines = [HEADER];
  const next = threads.map(() => 0);
  // Interleaved, as engines write them.
  for (;;) {
    const open = threads.map((t, i) => i).filter((i) => next[i]! < threads[i]!.events.length);
    if (open.length === 0) break;
    const i = r.pick(open);
    const e = threads[i]!.events[next[i]!]!;
    lines.push(`{"tid": ${threads[i]!.tid}, "tid_event_idx": ${next[i]}, "kind": ${e.kind}, "payload": ${e.payload}, "host_ns": ${r.int(0, 999)}}`);
    next[i]!++;
  }
  return lines.join('\n') + '\n';
}

interface PairPlan {
  /** Per thread: canary tid, ours tid (JSON texts). */
  tids: [string, string][];
  /** JSON string texts the events' names, kinds and values are drawn from. */
  strings: readonly string[];
  /** Chance that a name, kind or value is drawn from `strings`. */
  odd: number;
}

/** A pair of logs: each thread's first event a kernel.call naming it (the automatic mapping's key), ours diverging somewhere now and then. */
function logPair(r: Rng, plan: PairPlan): { canary: string; ours: string } {
  const str = (plain: string): string => (r.chance(plan.odd) ? r.pick(plan.strings) : JSON.stringify(plain));
  const canary: Thread[] = [];
  const ours: Thread[] = [];
  for (const [ct, ot] of plan.tids) {
    const n = r.int(1, 9);
    const events = [{ kind: '"kernel.call"', payload: `{"name": ${str('KeInit')}, "ord": 1}` }];
    for (let i = 1; i < n; i++) {
      const roll = r.int(0, 4);
      if (roll === 0) events.push({ kind: '"kernel.call"', payload: `{"name": ${str('NtClose')}, "ord": 2, "args_resolved": {"a1": ${str('x')}}}` });
      else if (roll === 1) events.push({ kind: '"kernel.return"', payload: `{"name": ${str('NtClose')}, "return_value": ${r.int(0, 9)}}` });
      else if (roll === 2) events.push({ kind: '"handle.create"', payload: `{"handle_semantic_id": ${str('h1')}, "raw_handle_id": ${r.int(0, 99)}}` });
      else if (roll === 3) events.push({ kind: str('wait.begin'), payload: `{"object": ${str('obj')}, ${str('k')}: 1}` });
      else events.push({ kind: '"thread.exit"', payload: `{"code": ${str('0')}}` });
    }
    const mine = events.map((e) => ({ ...e }));
    if (r.chance(0.6) && n > 1) {
      const at = r.int(1, n - 1);
      mine[at] = r.chance(0.5)
        ? { kind: mine[at]!.kind, payload: `{"name": ${str('Other')}, "x": ${str('y')}}` }
        : { kind: '"import.call"', payload: `{"ord": ${str('o')}}` };
    }
    canary.push({ tid: ct, events });
    ours.push({ tid: ot, events: mine });
  }
  return { canary: logText(canary, r), ours: logText(ours, r) };
}

function plainPair(r: Rng): { canary: string; ours: string } {
  const k = r.int(1, 3);
  return logPair(r, { tids: Array.from({ length: k }, (_, i) => [String(6 + i), String(1 + i)] as [string, string]), strings: [], odd: 0 });
}

/** python3's stdout handler, by the environments scripts run it in (py/stdio.ts). */
export const ENVS: Record<string, string | null>[] = [
  {}, // the suite's PYTHONIOENCODING=utf-8: strict
  { PYTHONIOENCODING: null, LC_ALL: 'C.UTF-8' }, // surrogateescape
  { PYTHONIOENCODING: null, LC_ALL: null, LC_CTYPE: null, LANG: null }, // the C locale: surrogateescape
  { PYTHONIOENCODING: 'utf-8:surrogateescape' },
  { PYTHONIOENCODING: ':backslashreplace' },
];

function argvCase(r: Rng): Omit<ClassCase, 'id' | 'cls'> {
  const { canary, ours } = plainPair(r);
  const files: ClassCase['files'] = { 'canary.jsonl': canary, 'ours.jsonl': ours, '-c anary.jsonl': canary, '-5': ours, '-٣': ours };
  const lockstep = ['-h', '--help', ...DIFF_SPEC.options.map((o) => o.name)];
  const args = randomArgv(r, {
    canary: r.pick(['canary.jsonl', 'canary.jsonl', '-c anary.jsonl', '-no such file']),
    ours: r.pick(['ours.jsonl', 'ours.jsonl', '-5', '-٣']),
    values: ['report.md', '-r eport.md', '6=1'],
    lockstep,
  });
  return { files, args, env: {} };
}

// Names that are not UTF-8 (a byte 0xff; an encoded surrogate; a cut sequence), and the
// decoys Node's lossy decoding of them would open instead (U+FFFD in the name).
export const RAW_NAMES = ['c\udcff.jsonl', 'o\udced\udca0\udc80.jsonl', 'ü\udcc3.jsonl', '\udce2\udc82A.jsonl'];
const decoy = (name: string): string => name.replace(/[\udc80-\udcff]+/g, '\ufffd');

function pathsCase(r: Rng): Omit<ClassCase, 'id' | 'cls'> {
  const { canary, ours } = plainPair(r);
  const files: ClassCase['files'] = { 'canary.jsonl': canary, 'ours.jsonl': ours };
  const canaryName = r.chance(0.7) ? r.pick(RAW_NAMES) : 'canary.jsonl';
  const oursName = r.chance(0.6) ? r.pick(RAW_NAMES.filter((n) => n !== canaryName)) : 'ours.jsonl';
  const damage = r.pick(['none', 'none', 'none', 'missing', 'empty', 'bad-json'] as const);
  for (const [name, text] of [
    [canaryName, canary],
    [oursName, ours],
  ] as const) {
    files[name] = text;
    if (name.endsWith('.jsonl') && name !== decoy(name)) files[decoy(name)] = r.chance(0.5) ? '' : ours; // what Node would have opened
  }
  const damaged = r.chance(0.5) ? canaryName : oursName;
  if (damage === 'missing') delete files[damaged];
  else if (damage === 'empty') files[damaged] = '';
  else if (damage === 'bad-json') files[damaged] = HEADER + '\n{"tid": 6, "tid_event_idx": 0, "kind":\n';
  // pathlib.Path spells a path its own way: 'a.jsonl/', './a.jsonl' and 'a.jsonl//.' are a.jsonl.
  const spell = (name: string): string => (r.chance(0.25) ? r.pick([`${name}/`, `./${name}`, `.//${name}/.`]) : name);
  const args = ['--canary', spell(canaryName), '--ours', spell(oursName)];
  const roll = r.int(0, 9);
  if (roll < 4) {
    const out = r.pick(['r\udcff.md', 'r\udcfe\udcfd.md', 'd\udcff/report.md', 'missing\udcff/report.md', 'report.md', 'report.md/', './r\udcff.md']);
    if (out.startsWith('d\udcff/')) files['d\udcff'] = { dir: true };
    const lossy = decoy(out).replace('./', '');
    if (lossy !== out && !lossy.includes('/') && r.chance(0.3)) files[lossy] = 'old report\n'; // where Node would write
    args.push('--out', out);
  } else if (roll === 4) args.push('--tid-map', r.pick(['6=1\udcff', '\udcff6=1', '6=1,7\udcfe=2']));
  else if (roll === 5) args.push(r.pick(['--bogus\udcff', '\udcff', '--ou\udcfft']));
  else if (roll === 6) args.push('--validate-identical');
  return { files, args, env: {} };
}

// JSON string texts with lone surrogates: escapable ones (U+DC80..U+DCFF: bytes again with
// surrogateescape), ones no handler but backslashreplace writes, a pair (one code point), a pair reversed.
export const SURROGATE_STRINGS = [
  '"\\udcff"',
  '"a\\udc80b"',
  '"\\udcfe"',
  '"\\ud800"',
  '"\\udbff\\udbff"',
  '"\\udc00"',
  '"\\udc7f"',
  '"\\ud83d\\ude00"',
  '"\\ude00\\ud83d"',
  '"\\ufffd"',
  '"plain"',
];

function surrogatesCase(r: Rng): Omit<ClassCase, 'id' | 'cls'> {
  const k = r.int(1, 3);
  const stringTids = r.chance(0.5);
  const tids = Array.from({ length: k }, (_, i): [string, string] =>
    stringTids ? [r.pick(SURROGATE_STRINGS.slice(0, 7)), r.pick(SURROGATE_STRINGS.slice(0, 7))] : [String(6 + i), String(1 + i)],
  );
  // Two string tids of one log must differ (else they are one thread).
  const seen = new Set<string>();
  for (const t of tids) {
    while (seen.has(t[0])) t[0] = t[0].replace('"', `"${seen.size}`);
    seen.add(t[0]);
  }
  const oursSeen = new Set<string>();
  for (const t of tids) {
    while (oursSeen.has(t[1])) t[1] = t[1].replace('"', `"${oursSeen.size}`);
    oursSeen.add(t[1]);
  }
  const { canary, ours } = logPair(r, { tids, strings: SURROGATE_STRINGS, odd: 0.35 });
  const args = ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl'];
  const files: ClassCase['files'] = { 'canary.jsonl': canary, 'ours.jsonl': ours };
  const roll = r.int(0, 5);
  if (roll === 0) {
    args.push('--out', 'report.md');
    if (r.chance(0.5)) files['report.md'] = 'an older report\n';
  } else if (roll === 1) args.push('--validate-identical');
  else if (roll === 2) args.push('--no-canonicalize-allocators');
  return { files, args, env: r.pick(ENVS) };
}

/** An int's forms for --tid-map (int(x, 0)): hex, octal and binary have no digit limit; decimal text has one. */
function intForm(r: Rng, v: bigint): string {
  const neg = v < 0n ? '-' : '';
  const a = v < 0n ? -v : v;
  switch (r.int(0, 3)) {
    case 0:
      return `${neg}0x${a.toString(16)}`;
    case 1:
      return `${neg}0o${a.toString(8)}`;
    case 2:
      return `${neg}0b${a.toString(2)}`;
    default:
      return `${neg}${a}`;
  }
}

function digitsCase(r: Rng): Omit<ClassCase, 'id' | 'cls'> {
  // 16**3571 - 1 has 4300 digits, 16**3572 - 1 has 4301: around the limit, and far past it.
  const big = (): bigint => {
    const pick = r.int(0, 5);
    const v =
      pick === 0
        ? 10n ** 4300n - 1n
        : pick === 1
          ? 10n ** 4300n
          : pick === 2
            ? 16n ** 3572n - 1n
            : pick === 3
              ? 16n ** 3571n - 1n
              : pick === 4
                ? 2n ** 20000n
                : 10n ** 4299n;
    return r.chance(0.3) ? -v : v;
  };
  const logTid = r.chance(0.3) ? (10n ** 4299n + 7n).toString() : null; // a tid at the limit, in the log: printed
  const k = r.int(1, 3);
  const tids = Array.from({ length: k }, (_, i): [string, string] => (i === 0 && logTid ? [logTid, '1'] : [String(6 + i), String(1 + i)]));
  const { canary, ours } = logPair(r, { tids, strings: [], odd: 0 });
  const tokens: string[] = [];
  const n = r.int(1, 4);
  for (let i = 0; i < n; i++) {
    const roll = r.int(0, 4);
    if (roll === 0) tokens.push(`${intForm(r, big())}=1`);
    else if (roll === 1) tokens.push(`${r.pick([logTid ?? '6', '6', '7'])}=${intForm(r, big())}`);
    else if (roll === 2)
      tokens.push(`${r.int(0, 12)}=${r.int(0, 4)}`); // small, maybe absent: a warn: line before
    else if (roll === 3) tokens.push(`${intForm(r, big())}=${intForm(r, big())}`);
    else tokens.push(`1_${'0'.repeat(r.pick([4298, 4299, 4300]))}=1`); // decimal text: int()'s own limit
  }
  // A value that starts with '-' is an option to argparse unless glued on with '=' (class argv).
  const map = tokens.join(',');
  const args = ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl', ...(map.startsWith('-') && r.chance(0.7) ? [`--tid-map=${map}`] : ['--tid-map', map])];
  if (r.chance(0.3)) args.push('--out', 'report.md');
  return { files: { 'canary.jsonl': canary, 'ours.jsonl': ours }, args, env: {} };
}

const MAKERS: Record<CaseClass, (r: Rng) => Omit<ClassCase, 'id' | 'cls'>> = {
  argv: argvCase,
  paths: pathsCase,
  surrogates: surrogatesCase,
  digits: digitsCase,
};

export function classCase(cls: CaseClass, n: number): ClassCase {
  return { id: `${cls}-${String(n).padStart(3, '0')}`, cls, ...MAKERS[cls](new Rng(`class-case:${cls}:${n}`)) };
}

/** Write the case's files into `dir`; returns a digest of what was written and the arguments (golden files record it). */
export function materializeClassCase(c: ClassCase, dir: string): string {
  const h = createHash('sha256');
  for (const [name, content] of Object.entries(c.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (typeof content === 'string') writeFileSync(casePath(dir, name), content);
    else mkdirSync(casePath(dir, name), { recursive: true });
    h.update(JSON.stringify([name, content]));
  }
  h.update(JSON.stringify([c.args, c.env]));
  return h.digest('hex').slice(0, 16);
}
