// cli/args.ts against python3's own argparse: the same option table given to
// both, thousands of command lines from argparse's corners, and the outcome
// compared exactly (the help, the usage error's message, or every value).
import { describe, expect, it } from 'vitest';
import { HelpRequested, parseArgs, UsageError, type CommandSpec, type OptionSpec } from '../../src/main/cli/args';
import { CACHE_SPEC } from '../../src/main/cli/cacheCommand';
import { DIFF_SPEC } from '../../src/main/cli/diffCommand';
import { REPORT_SPEC } from '../../src/main/cli/reportCommand';
import { pythonPathStr } from '../../src/main/ingest/logErrors';
import { expectSame, PY_PRELUDE, Rng, runPython } from '../support/oracle';
import { DASH_VALUES, randomArgv } from '../support/argv';

// The parser is built from the table as diff_events.py builds its own: type=Path for the paths,
// store_true for flags; error() and exit() raise instead of leaving, so that one process answers all.
const SCRIPT =
  PY_PRELUDE +
  String.raw`
import argparse
from pathlib import Path

class Stop(Exception):
    pass

class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise Stop(['error', message])
    def exit(self, status=0, message=None):
        raise Stop(['help'])
    def print_help(self, file=None):
        pass

def build(options):
    ap = Parser(prog='x', description='d')
    groups = {}
    for o in options:
        kw = {}
        if o['value']:
            if o.get('path'):
                kw['type'] = Path
            if o.get('choices'):
                kw['choices'] = o['choices']
            if o.get('repeat'):
                kw['action'] = 'append'
        else:
            kw['action'] = 'store_true'
        where = ap
        if o.get('exclusive'):
            where = groups.setdefault(o['exclusive'], ap.add_mutually_exclusive_group())
        where.add_argument(o['name'], required=o.get('required', False), **kw)
    return ap

def value(v):
    if v is None or v is False:
        return None
    if v is True:
        return True
    if isinstance(v, list):
        # an appended '--opt=--' is an empty list inside the list: Lockstep adds nothing for it
        items = [str(x) for x in v if not isinstance(x, list)]
        return ['list'] + items if items or not any(isinstance(x, list) for x in v) else None
    return ['v', str(v)]

def main():
    inp = read_input()
    out = []
    for case in inp['cases']:
        ap = build(inp['specs'][case['spec']])
        try:
            ns = ap.parse_args(case['argv'])
            out.append(['ok', {k: value(v) for k, v in sorted(vars(ns).items())}])
        except Stop as e:
            out.append(e.args[0])
    write_output(out)

main()
`;

type Outcome = ['help'] | ['error', string] | ['ok', Record<string, null | true | ['v', string] | string[]>];

interface PySpec {
  name: string;
  value: boolean;
  path?: boolean;
  required?: boolean;
  choices?: readonly string[];
  repeat?: boolean;
  exclusive?: string;
}

const PATHS = new Set(['--canary', '--ours', '--out', '--db']);

function pySpec(spec: CommandSpec): PySpec[] {
  return spec.options.map((o) => ({
    name: o.name,
    value: o.value !== undefined,
    path: PATHS.has(o.name),
    required: o.required ?? false,
    ...(o.choices ? { choices: o.choices } : {}),
    ...(o.repeat ? { repeat: true } : {}),
    ...(o.exclusive ? { exclusive: o.exclusive } : {}),
  }));
}

/** What Python's Namespace holds, from what cli/args.ts parsed. */
function ourOutcome(spec: CommandSpec, argv: string[]): Outcome {
  try {
    const args = parseArgs(spec, argv);
    const ns: Record<string, null | true | ['v', string] | string[]> = {};
    for (const o of spec.options) {
      const dest = o.name.slice(2).replaceAll('-', '_');
      const v = args.get(o.name);
      if (args.emptyList.has(o.name)) ns[dest] = ['list'];
      else if (o.repeat) ns[dest] = args.has(o.name) ? ['list', ...args.all(o.name)] : null;
      else if (v === undefined) ns[dest] = null;
      else if (v === true) ns[dest] = true;
      else ns[dest] = ['v', PATHS.has(o.name) ? pythonPathStr(v) : v];
    }
    return ['ok', Object.fromEntries(Object.entries(ns).sort(([a], [b]) => (a < b ? -1 : 1)))];
  } catch (e) {
    if (e instanceof HelpRequested) return ['help'];
    if (e instanceof UsageError) return ['error', e.message];
    throw e;
  }
}

const REFERENCE_SPEC: CommandSpec = {
  prog: 'x',
  summary: '',
  options: [
    { name: '--canary', value: 'CANARY', required: true, help: '' },
    { name: '--ours', value: 'OURS', required: true, help: '' },
    { name: '--out', value: 'OUT', help: '' },
    { name: '--tid-map', value: 'TID_MAP', help: '' },
    { name: '--validate-identical', help: '' },
    { name: '--no-canonicalize-allocators', help: '' },
  ],
};

// Lockstep's own table, and a colleague's new option beside it (a longer name sharing a prefix, a repeated one).
const EXTENDED_OPTIONS: OptionSpec[] = [
  ...DIFF_SPEC.options,
  { name: '--ours-x', value: 'X', help: '' },
  { name: '--skip', value: 'FIELD', repeat: true, help: '' },
];
const EXTENDED_SPEC: CommandSpec = { ...DIFF_SPEC, options: EXTENDED_OPTIONS };
// The other commands' tables: report's (--baseline beside --session) and cache's (an exclusive group).
const SPECS = [REFERENCE_SPEC, DIFF_SPEC, EXTENDED_SPEC, REPORT_SPEC, CACHE_SPEC];

function allStrings(spec: CommandSpec): string[] {
  return ['-h', '--help', ...spec.options.map((o) => o.name)];
}

/** Command lines for spec `s`: the shared generator, plus tokens of the spec's own options. */
function argvFor(rng: Rng, s: number): string[] {
  const spec = SPECS[s]!;
  const argv = randomArgv(rng, { canary: 'a.jsonl', ours: 'b.jsonl', values: ['r.md', 'x', ...DASH_VALUES], lockstep: allStrings(spec) });
  if (s > 0 && rng.chance(0.5)) {
    const own = rng.pick(spec.options);
    const cut = rng.int(3, own.name.length);
    const token = rng.pick([own.name, own.name.slice(0, cut), `${own.name.slice(0, cut)}=${rng.pick(['json', 'x', '--', '', '-5'])}`]);
    argv.splice(
      rng.int(0, argv.length),
      0,
      ...(own.value && rng.chance(0.6) && !token.includes('=') ? [token, rng.pick(['json', 'html', 'x', '-5', '-h'])] : [token]),
    );
  }
  // An exclusive group's options together, often enough that argparse's conflict comes up.
  const grouped = spec.options.filter((o) => o.exclusive !== undefined);
  if (grouped.length > 1 && rng.chance(0.4)) {
    for (const o of grouped) argv.splice(rng.int(0, argv.length), 0, ...(o.value ? [o.name, rng.pick(['i.sqlite', '--', '-h'])] : [o.name]));
  }
  return argv;
}

describe('argparse, as python3 runs it', () => {
  const rng = new Rng('argparse-oracle');
  const cases = Array.from({ length: 6000 }, (_, i) => {
    const spec = i % SPECS.length;
    return { spec, argv: argvFor(rng, spec) };
  });
  // Hand-picked: the examples of issue 12 and argparse's documented corners.
  const fixed: string[][] = [
    ['--bogus', '-h'],
    ['-h', '--o'],
    ['--canary', 'a', '--ours', 'b', '--tid-map', '-6 = 1'],
    ['--canary', 'a', '--ours', '-no such file'],
    ['--canary', 'a', '--ours', 'b', '--tid-map', '-6=1'],
    ['--canary=--', '--ours', 'b'],
    ['--canary', 'a', '--ours', 'b', '--out=--', '--tid-map=--'],
    ['-hx'],
    ['-hh', '--bogus'],
    ['--canary', '-h'],
    ['-h', '--canary'],
    ['--canary', 'a', '--ours', 'b', '--', 'x'],
    ['--canary', 'a', '--ours', '-5\n'],
    ['--canary', 'a', '--ours', '-٣'],
    ['--canary', 'a', '--ours', '-𞥐'],
    ['--canary', 'a', '--ours', 'b', '--=x'],
    ['x', '--canary', 'a', 'y', '--ours', 'b', 'z', '--q'],
    ['--canary', 'a', '--ours', 'b', ''],
    ['--canary', 'a', '--ours', 'b', '--format', 'x', '-h'],
    ['--canary', 'a', '--ours', 'b', '--ours-', 'v'],
    ['--canary', 'a', '--ours', 'b', '--ours'],
    ['--db', 'i.sqlite', '--data-dir', 'd'],
    ['--data-dir=--', '--db', 'i.sqlite', '-h'],
    ['-h', '--db', 'i', '--data-dir', 'd'],
    ['--db', 'i', '--db', 'j', '--clear'],
    ['--canary', 'a', '--ours', 'b', '--fail-on', 'any'],
    ['--canary', 'a', '--ours', 'b', '--fail-on=--', '--auto-map', 'similar'],
    ['--canary', 'a', '--ours', 'b', '--auto', 'similarity', '--base', 'k.json', '--fail', 'new'],
    ['--session', 's.lockstep', '--f', 'new'],
  ];
  for (const argv of fixed) for (let spec = 0; spec < SPECS.length; spec++) cases.push({ spec, argv });

  it(`${cases.length} command lines: the same help, usage error or values`, () => {
    const python = runPython<Outcome[]>(SCRIPT, { specs: SPECS.map(pySpec), cases });
    const ours = cases.map((c) => ourOutcome(SPECS[c.spec]!, c.argv));
    const bad = expectSame(cases, ours, python, 6000);
    expect(bad.slice(0, 5)).toEqual([]);
    // Every outcome must come up, or the comparison proves little.
    const kinds = (k: string, pred: (o: Outcome) => boolean = () => true): number => python.filter((o) => o[0] === k && pred(o)).length;
    expect(kinds('ok')).toBeGreaterThan(600);
    expect(kinds('help')).toBeGreaterThan(400);
    for (const m of [
      'ambiguous option',
      'unrecognized arguments',
      'expected one argument',
      'ignored explicit argument',
      'are required',
      'invalid choice',
      'not allowed with',
    ]) {
      expect(
        kinds('error', (o) => (o[1] as string).includes(m)),
        m,
      ).toBeGreaterThan(20);
    }
  });
});
