// Command lines in argparse's corners (issue 12, class 2), for the argparse
// oracle test, the parity cases and the fuzz: -h anywhere, prefixes unique and
// shared, `--opt=value` and `--opt=--`, values that start with '-' (negative
// numbers in any script's digits, values holding a space), `--`, unknown
// options, stray values, missing values and missing options.
import type { Rng } from '../../src/main/generator/prng';

/** The reference's option strings, in the order its ArgumentParser holds them (diff_events.py main()). */
const REFERENCE_OPTIONS = ['-h', '--help', '--canary', '--ours', '--out', '--tid-map', '--validate-identical', '--no-canonicalize-allocators'] as const;
const REFERENCE_VALUE_OPTIONS: readonly string[] = ['--canary', '--ours', '--out', '--tid-map'];
const REFERENCE_FLAGS: readonly string[] = ['--validate-identical', '--no-canonicalize-allocators'];

/** The option strings a `--` prefix could mean (argparse's _get_option_tuples), in declaration order. */
function prefixMatches(prefix: string, strings: readonly string[]): string[] {
  return strings.filter((s) => s.startsWith(prefix));
}

/**
 * Whether `arg` means the same to the reference and to Lockstep, whose table
 * (`lockstep`, every option string including -h and --help) holds more
 * options: an abbreviation that also reaches one of Lockstep's own options is
 * Lockstep's by design, not a case to compare.
 */
function sameForBoth(arg: string, lockstep: readonly string[]): boolean {
  if (!arg.startsWith('--') || arg === '--') return true;
  const eq = arg.indexOf('=');
  const prefix = eq === -1 ? arg : arg.slice(0, eq);
  if ((REFERENCE_OPTIONS as readonly string[]).includes(prefix)) return true; // an exact name wins in both
  return prefixMatches(prefix, REFERENCE_OPTIONS).join() === prefixMatches(prefix, lockstep).join();
}

/** A prefix of `name` (at least `--` and one letter) that means the same to both tables: lengthened until it does. */
function abbreviation(rng: Rng, name: string, lockstep: readonly string[]): string {
  let n = rng.int(3, name.length);
  while (n < name.length && !sameForBoth(name.slice(0, n), lockstep)) n++;
  return name.slice(0, n);
}

/** Values that start with '-': argparse takes some as values (a negative number, a space inside) and the rest as options. */
export const DASH_VALUES: readonly string[] = [
  '-5',
  '-.5',
  '-5.',
  '-1.5',
  '-٣',
  '-５',
  '-5\n',
  '-5\n\n',
  '-x y',
  '-no such file',
  '-6 = 1',
  '-6=1',
  '-',
  '-0x6',
  '- 5',
  '-𝟓',
  '-𞥐',
];

const UNKNOWN = ['--bogus', '-c', '---canary', '--canary-x', '-x', '--x y', '-hx y', '-ü', '--ü', '-1x'];
const HELP = ['-h', '--help', '--h', '--he', '--hel', '-hh', '-h=h', '-hhh'];
const HELP_ERRORS = ['-hx', '-h=', '-h=x', '--help=x', '--he=', '-hfoo'];

export interface ArgvPlan {
  /** The values given to --canary and --ours when the plan uses them. */
  canary: string;
  ours: string;
  /** Other values to draw from for the value options. */
  values: readonly string[];
  /** Every option string of the parser under test (for sameForBoth). */
  lockstep: readonly string[];
}

/** One argument that names an option: exact, abbreviated, or with `=value`. */
function spell(rng: Rng, name: string, plan: ArgvPlan): string {
  return rng.chance(0.35) ? abbreviation(rng, name, plan.lockstep) : name;
}

/**
 * A command line for the reference's options: mostly a usable one with a few
 * of argparse's corners mixed in, so that every outcome (a report, the help,
 * each kind of usage error) comes up often.
 */
export function randomArgv(rng: Rng, plan: ArgvPlan): string[] {
  const items: string[][] = [];
  const value = (name: string): string => (name === '--canary' ? plan.canary : name === '--ours' ? plan.ours : rng.pick(plan.values));
  const option = (name: string, v: string): string[] => {
    const s = spell(rng, name, plan);
    return rng.chance(0.3) ? [`${s}=${v}`] : [s, v];
  };
  if (!rng.chance(0.08)) items.push(option('--canary', value('--canary')));
  if (!rng.chance(0.08)) items.push(option('--ours', value('--ours')));
  for (const f of REFERENCE_FLAGS) if (rng.chance(0.2)) items.push([spell(rng, f, plan)]);
  if (rng.chance(0.3)) items.push(option('--tid-map', rng.pick(['6=1', '', '-6 = 1', ' 6 = 1 ', '7=2,6=1', '-1=-1'])));
  if (rng.chance(0.2)) items.push(option('--out', rng.pick(['report.md', '-r eport.md', 'report.md'])));
  const corners = rng.int(0, 3);
  for (let i = 0; i < corners; i++) {
    const roll = rng.int(0, 15);
    if (roll === 0) items.push([rng.pick(HELP)]);
    else if (roll === 1) items.push([rng.pick(HELP_ERRORS)]);
    else if (roll === 2) items.push([rng.pick(UNKNOWN)]);
    else if (roll === 3)
      items.push([rng.pick(['x', '', 'canary.jsonl', '-', '-5'])]); // a value no option takes
    else if (roll === 4) items.push([rng.pick(['--o', '--ou', '--o=x', '--=x', '--n', '--no-canonicalize-allocators=1', '--validate-identical='])]);
    else if (roll === 5) items.push(['--', ...(rng.chance(0.5) ? [] : [rng.pick(['x', '--canary', '-h'])])]);
    else if (roll === 6)
      items.push([rng.pick(REFERENCE_VALUE_OPTIONS)]); // no value after it (or an option)
    else if (roll === 7) items.push([rng.pick(REFERENCE_VALUE_OPTIONS), rng.pick(DASH_VALUES)]);
    else if (roll === 8) items.push([`${rng.pick(REFERENCE_VALUE_OPTIONS)}=${rng.pick(DASH_VALUES)}`]);
    else if (roll === 9) items.push([`${rng.pick(REFERENCE_VALUE_OPTIONS)}=${rng.pick(['--', '', '=', 'a=b'])}`]);
    else if (roll === 10)
      items.push(option('--canary', value('--canary'))); // given twice: the last one counts
    else if (roll === 11) items.push([rng.pick(['--tid-map', '--tid']), rng.pick(['-6 = 1', '-6=1', '-٦=1', '- 6=1'])]);
    else if (roll === 12) items.push([rng.pick(['--ours', '--canary']), rng.pick(['-no such file', '-x y', '-5'])]);
    else items.push([rng.pick([...HELP, ...UNKNOWN, ...DASH_VALUES])]);
  }
  rng.shuffle(items);
  return items.flat().filter((a) => sameForBoth(a, plan.lockstep));
}
