// A small argument parser with argparse's behaviour where scripts can notice
// it: `--opt value` and `--opt=value`, unambiguous prefixes (`--can`), the
// last repetition wins (or, for an option that may repeat, each one counts:
// argparse's action='append'), usage errors exit with status 2.

export interface OptionSpec {
  name: string; // '--canary'
  value?: string; // metavar; absent for flags
  required?: boolean;
  /** Each occurrence adds a value (a list), as argparse's action='append'. */
  repeatable?: boolean;
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

export type ParsedArgs = Map<string, string | true | string[]>;

function usageLine(spec: CommandSpec): string {
  const parts = spec.options.map((o) => {
    const s = o.value ? `${o.name} ${o.value}` : o.name;
    return o.required ? s : o.repeatable ? `[${s} ...]` : `[${s}]`;
  });
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

const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

export function parseArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
  const out: ParsedArgs = new Map();
  const names = spec.options.map((o) => o.name);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') throw new HelpRequested(helpText(spec));
    if (!arg.startsWith('-') || arg === '-' || NEGATIVE_NUMBER.test(arg)) {
      throw new UsageError(spec, `unrecognized arguments: ${argv.slice(i).join(' ')}`);
    }
    const eq = arg.indexOf('=');
    const given = eq === -1 ? arg : arg.slice(0, eq);
    let opt = spec.options.find((o) => o.name === given);
    if (!opt && given.startsWith('--')) {
      const matches = names.filter((n) => n.startsWith(given));
      if (matches.length > 1) {
        throw new UsageError(spec, `ambiguous option: ${given} could match ${matches.join(', ')}`);
      }
      opt = spec.options.find((o) => o.name === matches[0]);
      if ('--help'.startsWith(given) && given.length > 2 && matches.length === 0) throw new HelpRequested(helpText(spec));
    }
    if (!opt) throw new UsageError(spec, `unrecognized arguments: ${arg}`);
    if (!opt.value) {
      if (eq !== -1) throw new UsageError(spec, `argument ${opt.name}: ignored explicit argument '${arg.slice(eq + 1)}'`);
      out.set(opt.name, true);
      continue;
    }
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-' && !NEGATIVE_NUMBER.test(next))) {
        throw new UsageError(spec, `argument ${opt.name}: expected one argument`);
      }
      value = next;
      i++;
    }
    if (opt.repeatable) out.set(opt.name, [...((out.get(opt.name) as string[] | undefined) ?? []), value]);
    else out.set(opt.name, value);
  }
  const missing = spec.options.filter((o) => o.required && !out.has(o.name)).map((o) => o.name);
  if (missing.length) throw new UsageError(spec, `the following arguments are required: ${missing.join(', ')}`);
  return out;
}
