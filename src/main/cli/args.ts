// The command line's options as Python 3.11's argparse parses them, because
// `lockstep diff` takes the place of a script whose options argparse parsed
// (Lib/argparse.py, ArgumentParser._parse_known_args). argparse works in two
// passes, and the order decides what a script sees:
//
// 1. Every argument is classified first (_parse_optional): an option (exact,
//    `--opt=value`, or an unambiguous prefix of one), or a value. A prefix
//    shared by several options is an error at once, before anything else
//    (`-h --o` exits 2). A string that starts with '-' but names no option is
//    still a value when it looks like a negative number (`-5`, `-.5`, `-٣`)
//    or holds a space (`'-6 = 1'`); else an unknown option.
// 2. Then the options act, left to right: `-h` prints the help and exits 0
//    there (`--bogus -h` is help, not an error), an option without its value
//    (`--canary -h`), a flag given `=value` or a value outside `choices` is an
//    error there. Only after the last one come the required options, and last
//    of all what was not recognized.
//
// `--opt=--` gives argparse an empty list as the value (its `remove('--')`):
// kept apart in ParsedArgs.emptyList, absent from the map (a falsy value).
//
// A command's options are a table (CommandSpec.options), one line each; the
// prefixes are matched against all of them, so a new option can make a
// prefix that was unique ambiguous (an exact name always wins).
import { pyRepr } from '../py/format';
import { pyDecimalValue } from '../py/decimalDigits';

export interface OptionSpec {
  /** The option string, `--name`. */
  name: string;
  /** Its value's name in the help (argparse's metavar); absent: a flag without a value. */
  value?: string;
  required?: boolean;
  /** The values allowed (argparse's choices), checked where the option stands. */
  choices?: readonly string[];
  /** argparse's type=: a message for a value refused ("invalid int value: 'x'"), checked where the option stands. */
  check?: (value: string) => string | null;
  /** Each use adds a value (argparse's action='append'): read them with ParsedArgs.all. */
  repeat?: boolean;
  /**
   * A mutually exclusive group's name (argparse's add_mutually_exclusive_group): a second option of
   * the group is an error where it stands ("argument --db: not allowed with argument --data-dir").
   */
  exclusive?: string;
  help: string;
}

export interface CommandSpec {
  prog: string; // 'lockstep diff'
  summary: string;
  options: OptionSpec[];
  epilog?: string;
}

export class UsageError extends Error {
  readonly exitStatus = 2;
  constructor(
    readonly spec: CommandSpec,
    message: string,
  ) {
    super(message);
  }
  render(): string {
    return `${usageLine(this.spec)}\n${this.spec.prog}: error: ${this.message}\n`;
  }
}

export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super('help');
  }
}

/** Each option given, by name: its value (the last one given), or true for a flag. */
export class ParsedArgs extends Map<string, string | true> {
  /** Options given as `--opt=--`: argparse's value is an empty list (falsy), so they are not in the map. */
  readonly emptyList = new Set<string>();
  private readonly repeated = new Map<string, string[]>();

  /** Every value of a `repeat` option, in the order given. */
  all(name: string): string[] {
    return this.repeated.get(name) ?? [];
  }

  add(name: string, value: string): void {
    let list = this.repeated.get(name);
    if (!list) this.repeated.set(name, (list = []));
    list.push(value);
    this.set(name, value);
  }
}

function usageLine(spec: CommandSpec): string {
  const parts: string[] = [];
  let group: string | undefined;
  for (const o of spec.options) {
    const s = o.value ? `${o.name} ${o.value}` : o.name;
    // argparse writes a group's options side by side, `[--a A | --b B]`, when they are declared together.
    if (o.exclusive !== undefined && o.exclusive === group) parts[parts.length - 1] = `${parts[parts.length - 1]!.slice(0, -1)} | ${s}]`;
    else parts.push(o.required ? s : `[${s}]`);
    group = o.exclusive;
  }
  return `usage: ${spec.prog} [-h] ${parts.join(' ')}`;
}

function helpText(spec: CommandSpec): string {
  const lines = [usageLine(spec), '', spec.summary, '', 'options:', '  -h, --help            show this help message and exit'];
  for (const o of spec.options) {
    const head = `  ${o.value ? `${o.name} ${o.value}` : o.name}`;
    const help = o.help + (o.required ? ' (required)' : '');
    if (head.length < 24) lines.push(head.padEnd(24) + help);
    else lines.push(head, ' '.repeat(24) + help);
  }
  if (spec.epilog) lines.push('', spec.epilog);
  return lines.join('\n') + '\n';
}

/** One of argparse's actions: the help, or an option of the table. */
interface Action {
  strings: string[];
  spec: OptionSpec | null; // null: -h/--help
}

/** What _parse_optional makes of one argument: an option (action null: unknown), explicit `=value` or null. */
interface OptionTuple {
  action: Action | null;
  optionString: string;
  explicit: string | null;
}

/** re's `\d` in a str pattern: a Unicode decimal digit as Python 3.11 knows them. */
const isDigit = (ch: string): boolean => pyDecimalValue(ch.codePointAt(0)!) >= 0;

/** argparse's _negative_number_matcher, `^-\d+$|^-\d*\.\d+$` (re's `$` also matches before a last '\n'). */
function looksLikeNegativeNumber(arg: string): boolean {
  const s = [...(arg.endsWith('\n') ? arg.slice(0, -1) : arg)];
  if (s[0] !== '-') return false;
  const body = s.slice(1);
  const dot = body.indexOf('.');
  if (dot === -1) return body.length > 0 && body.every(isDigit);
  const frac = body.slice(dot + 1);
  return body.slice(0, dot).every(isDigit) && frac.length > 0 && frac.every(isDigit);
}

class ArgparseModel {
  private readonly actions: Action[];
  /** _option_string_actions: every option string, in the order declared (-h and --help first). */
  private readonly byString = new Map<string, Action>();

  constructor(private readonly spec: CommandSpec) {
    this.actions = [{ strings: ['-h', '--help'], spec: null }, ...spec.options.map((o) => ({ strings: [o.name], spec: o }))];
    for (const a of this.actions) for (const s of a.strings) this.byString.set(s, a);
  }

  private usage(message: string): UsageError {
    return new UsageError(this.spec, message);
  }

  /** ArgumentError's text: the option's strings, then the message. */
  private argumentError(action: Action, message: string): UsageError {
    return this.usage(`argument ${action.strings.join('/')}: ${message}`);
  }

  private takesValue(action: Action): boolean {
    return action.spec?.value !== undefined;
  }

  /** _get_option_tuples: the options `arg` may abbreviate. */
  private optionTuples(arg: string): OptionTuple[] {
    const out: OptionTuple[] = [];
    if (arg[1] === '-') {
      const eq = arg.indexOf('=');
      const prefix = eq === -1 ? arg : arg.slice(0, eq);
      const explicit = eq === -1 ? null : arg.slice(eq + 1);
      for (const [s, action] of this.byString) if (s.startsWith(prefix)) out.push({ action, optionString: s, explicit });
    } else {
      // A single-dash option may carry its value glued on (`-hfoo` is -h with 'foo').
      const short = arg.slice(0, 2);
      for (const [s, action] of this.byString) {
        if (s === short) out.push({ action, optionString: s, explicit: arg.slice(2) });
        else if (s.startsWith(arg)) out.push({ action, optionString: s, explicit: null });
      }
    }
    return out;
  }

  /** _parse_optional: null for a value; an option tuple; a UsageError at once for an ambiguous prefix. */
  private classify(arg: string): OptionTuple | null {
    if (!arg || arg[0] !== '-') return null;
    const exact = this.byString.get(arg);
    if (exact) return { action: exact, optionString: arg, explicit: null };
    if (arg.length === 1) return null;
    const eq = arg.indexOf('=');
    if (eq !== -1) {
      const named = this.byString.get(arg.slice(0, eq));
      if (named) return { action: named, optionString: arg.slice(0, eq), explicit: arg.slice(eq + 1) };
    }
    const tuples = this.optionTuples(arg);
    if (tuples.length > 1) throw this.usage(`ambiguous option: ${arg} could match ${tuples.map((t) => t.optionString).join(', ')}`);
    if (tuples.length === 1) return tuples[0]!;
    if (looksLikeNegativeNumber(arg)) return null;
    if (arg.includes(' ')) return null;
    return { action: null, optionString: arg, explicit: null };
  }

  parse(argv: readonly string[]): ParsedArgs {
    // Pass 1: classify everything ('O' option, 'A' value, '-' the `--` that ends the options).
    const options = new Map<number, OptionTuple>();
    let pattern = '';
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === '--') {
        pattern += '-' + 'A'.repeat(argv.length - i - 1);
        break;
      }
      const t = this.classify(argv[i]!);
      if (t) options.set(i, t);
      pattern += t ? 'O' : 'A';
    }

    // Pass 2: the options act, left to right.
    const out = new ParsedArgs();
    const seen = new Set<Action>();
    const extras: string[] = [];
    /** The option of each exclusive group already given (argparse's seen_non_default_actions). */
    const groupTaken = new Map<string, Action>();
    const excludeOthers = (action: Action): void => {
      const group = action.spec?.exclusive;
      if (group === undefined) return;
      const other = groupTaken.get(group);
      if (other && other !== action) throw this.argumentError(action, `not allowed with argument ${other.strings.join('/')}`);
      groupTaken.set(group, action);
    };
    const take = (action: Action, values: string[]): void => {
      seen.add(action);
      const o = action.spec;
      if (o === null) throw new HelpRequested(helpText(this.spec));
      if (o.value === undefined) {
        excludeOthers(action);
        out.set(o.name, true);
        return;
      }
      if (values[0] === '--') {
        // An empty list is not the default (None): it counts as given in its group.
        excludeOthers(action);
        // _get_values removes the first '--': `--opt=--` leaves an empty list, which nothing checks
        // (a repeated option appends it to its list: Lockstep adds nothing).
        if (o.repeat) return;
        out.emptyList.add(o.name);
        out.delete(o.name);
        return;
      }
      const v = values[0]!;
      if (o.choices && !o.choices.includes(v)) {
        throw this.argumentError(action, `invalid choice: ${pyRepr(v)} (choose from ${o.choices.map((c) => pyRepr(c)).join(', ')})`);
      }
      const refused = o.check?.(v);
      if (refused) throw this.argumentError(action, refused);
      excludeOthers(action);
      out.emptyList.delete(o.name);
      if (o.repeat) out.add(o.name, v);
      else out.set(o.name, v);
    };
    const consumeOption = (start: number): number => {
      let { action, optionString, explicit } = options.get(start)!;
      const acts: [Action, string[]][] = [];
      let stop: number;
      for (;;) {
        if (action === null) {
          extras.push(argv[start]!);
          return start + 1;
        }
        if (explicit !== null) {
          if (this.takesValue(action)) {
            acts.push([action, [explicit]]);
            stop = start + 1;
            break;
          }
          if (optionString[1] !== '-' && explicit !== '') {
            // `-hx`: -h, then -x from what follows it.
            acts.push([action, []]);
            const [first, ...rest] = [...explicit];
            const next = this.byString.get('-' + first);
            if (!next) throw this.argumentError(action, `ignored explicit argument ${pyRepr(explicit)}`);
            action = next;
            optionString = '-' + first;
            explicit = rest.length ? rest.join('') : null;
            continue;
          }
          throw this.argumentError(action, `ignored explicit argument ${pyRepr(explicit)}`);
        }
        if (!this.takesValue(action)) {
          acts.push([action, []]);
          stop = start + 1;
          break;
        }
        if (pattern[start + 1] !== 'A') throw this.argumentError(action, 'expected one argument');
        acts.push([action, [argv[start + 1]!]]);
        stop = start + 2;
        break;
      }
      for (const [a, values] of acts) take(a, values);
      return stop;
    };

    let i = 0;
    const last = options.size ? Math.max(...options.keys()) : -1;
    while (i <= last) {
      let next = i;
      while (!options.has(next)) next++;
      extras.push(...argv.slice(i, next)); // values no option takes (this parser has no positionals)
      i = consumeOption(next);
    }
    extras.push(...argv.slice(i));

    const missing = this.actions.filter((a) => a.spec?.required && !seen.has(a)).map((a) => a.strings.join('/'));
    if (missing.length) throw this.usage(`the following arguments are required: ${missing.join(', ')}`);
    if (extras.length) throw this.usage(`unrecognized arguments: ${extras.join(' ')}`);
    return out;
  }
}

/** Parse `argv` as argparse would with `spec`'s options: the options given, HelpRequested, or a UsageError (exit 2). */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  return new ArgparseModel(spec).parse(argv);
}
