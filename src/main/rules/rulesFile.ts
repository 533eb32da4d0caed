// The rules file: one directive a line, `#` starts a comment (docs/rules.md).
// A small line format rather than JSON or TOML: each directive is one of the
// command line's flags (`skip KIND PATH` is `--skip-field KIND:PATH`), a
// mistake is reported by its line, and the file reads like the list it is.
//
//   base reference | none          what the directives below start from (default: reference)
//   skip KIND PATH                 never compare PATH in events of KIND (* for any kind)
//   compare KIND PATH              take a skip away (one of the base's)
//   allocator NAME                 add to the allocator functions (ALLOCATOR_RETURN_FNS)
//   not-allocator NAME             take one away
//   allocators number | pair       allocator returns numbered per thread (the reference) or paired
//   canonicalize KIND PATH         number PATH's values per thread, as allocator returns are
//   pair KIND PATH                 pair PATH's values: a value matches only its partner
//   no-canonicalize KIND PATH      take a canonicalization away
//   ignore-kind KIND               leave events of KIND out of both streams
//   keep-kind KIND                 take an ignore-kind away
import { NEVER_COMPARED_TOP_FIELDS, REFERENCE_RULES } from './referenceRules';
import { ANY_KIND, checkPath, formatPath, formatToken, normalizeRules, parsePath, RulePathError, rulesProblem, type FieldPath, type RuleSet } from './ruleSet';

/** A rules file (or flag) that cannot be read: one line naming the file and line. */
export class RulesError extends Error {}

/** Split a line into tokens: whitespace-separated, JSON strings kept whole (also inside a path), `#` to the end a comment. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length || line[i] === '#') break;
    let j = i;
    while (j < line.length && !/\s/.test(line[j]!)) {
      if (line[j] === '"') {
        j++;
        while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
        if (j >= line.length) throw new RulesError('a quoted name is not closed');
      }
      j++;
    }
    out.push(line.slice(i, j));
    i = j;
  }
  return out;
}

/** A kind or a name: bare, or a JSON string. */
function nameToken(t: string, what: string): string {
  if (!t.startsWith('"')) return t;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    throw new RulesError(`${what} ${t} is not a JSON string`);
  }
  if (typeof v !== 'string') throw new RulesError(`${what} ${t} is not a string`);
  return v;
}

function pathToken(t: string, what: 'skip' | 'canonicalize'): string[] {
  let path: string[];
  try {
    path = parsePath(t);
  } catch (e) {
    if (e instanceof RulePathError) throw new RulesError(e.message);
    throw e;
  }
  const problem = checkPath(path, what);
  if (problem) throw new RulesError(problem);
  return path;
}

const samePath = (a: FieldPath, b: FieldPath): boolean => a.length === b.length && a.every((s, i) => s === b[i]);

/** Rule sets under construction: directives apply to it one by one. */
export class RulesBuilder {
  private r: RuleSet;

  constructor(base: RuleSet = REFERENCE_RULES) {
    this.r = normalizeRules(base);
  }

  get rules(): RuleSet {
    return normalizeRules(this.r);
  }

  reset(base: RuleSet): void {
    this.r = normalizeRules(base);
  }

  skip(kind: string, path: FieldPath): void {
    this.r.skip.push({ kind, path });
  }

  compare(kind: string, path: FieldPath): void {
    this.r.skip = this.r.skip.filter((s) => !(s.kind === kind && samePath(s.path, path)));
  }

  allocator(name: string): void {
    this.r.allocators.push(name);
  }

  notAllocator(name: string): void {
    this.r.allocators = this.r.allocators.filter((a) => a !== name);
  }

  canonicalize(kind: string, path: FieldPath, pairing: boolean): void {
    this.noCanonicalize(kind, path);
    this.r.canonicalize.push({ kind, path, pairing });
  }

  noCanonicalize(kind: string, path: FieldPath): void {
    this.r.canonicalize = this.r.canonicalize.filter((c) => !(c.kind === kind && samePath(c.path, path)));
  }

  allocatorPairing(on: boolean): void {
    this.r.allocatorPairing = on;
  }

  ignoreKind(kind: string): void {
    this.r.ignoreKinds.push(kind);
  }

  keepKind(kind: string): void {
    this.r.ignoreKinds = this.r.ignoreKinds.filter((k) => k !== kind);
  }

  /** One line of a rules file. */
  directive(line: string, isFirst: boolean): void {
    const t = tokens(line);
    if (t.length === 0) return;
    const [word, ...args] = t;
    const want = (n: number, usage: string): void => {
      if (args.length !== n) throw new RulesError(`${word} takes ${usage}`);
    };
    switch (word) {
      case 'base':
        want(1, 'reference or none');
        if (!isFirst) throw new RulesError('base must come before every other directive');
        if (args[0] === 'reference') this.reset(REFERENCE_RULES);
        else if (args[0] === 'none') this.reset({ skip: [], allocators: [], allocatorPairing: false, canonicalize: [], ignoreKinds: [] });
        else throw new RulesError(`base takes reference or none, not ${args[0]}`);
        return;
      case 'skip':
      case 'compare':
        want(2, 'a kind (or *) and a path');
        if (word === 'skip') this.skip(nameToken(args[0]!, 'kind'), pathToken(args[1]!, 'skip'));
        else this.compare(nameToken(args[0]!, 'kind'), pathToken(args[1]!, 'skip'));
        return;
      case 'allocator':
      case 'not-allocator':
        want(1, 'a function name');
        if (word === 'allocator') this.allocator(nameToken(args[0]!, 'name'));
        else this.notAllocator(nameToken(args[0]!, 'name'));
        return;
      case 'allocators':
        want(1, 'number or pair');
        if (args[0] !== 'number' && args[0] !== 'pair') throw new RulesError(`allocators takes number or pair, not ${args[0]}`);
        this.allocatorPairing(args[0] === 'pair');
        return;
      case 'canonicalize':
      case 'pair':
      case 'no-canonicalize': {
        want(2, 'a kind (or *) and a path');
        const kind = nameToken(args[0]!, 'kind');
        const path = pathToken(args[1]!, 'canonicalize');
        if (word === 'no-canonicalize') this.noCanonicalize(kind, path);
        else this.canonicalize(kind, path, word === 'pair');
        return;
      }
      case 'ignore-kind':
      case 'keep-kind': {
        want(1, 'a kind');
        const kind = nameToken(args[0]!, 'kind');
        if (kind === ANY_KIND) throw new RulesError(`${word} takes one kind, not *`);
        if (word === 'ignore-kind') this.ignoreKind(kind);
        else this.keepKind(kind);
        return;
      }
      default:
        throw new RulesError(`unknown directive ${JSON.stringify(word)} (see docs/rules.md)`);
    }
  }
}

/** Read a rules file's text; `label` names it in errors (`rules.txt:3: …`). */
export function parseRules(text: string, label: string, base: RuleSet = REFERENCE_RULES): RuleSet {
  const b = new RulesBuilder(base);
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let first = true;
  lines.forEach((line, i) => {
    try {
      b.directive(line, first);
    } catch (e) {
      if (e instanceof RulesError) throw new RulesError(`${label}:${i + 1}: ${e.message}`);
      throw e;
    }
    if (tokens(line).length > 0) first = false;
  });
  const problem = rulesProblem(b.rules);
  if (problem) throw new RulesError(`${label}: ${problem}`);
  return b.rules;
}

/**
 * A rule set as a complete rules file (base none, then every rule): what
 * `lockstep rules --print-default` prints for the reference's, and what
 * sessions keep. Reading it back gives the same rule set.
 */
export function printRules(r: RuleSet, heading: string[] = []): string {
  const n = normalizeRules(r);
  const rule = (word: string, kind: string, path: FieldPath): string => `${word} ${formatToken(kind)} ${formatPath(path)}`;
  const out: string[] = [
    ...heading.map((h) => `# ${h}`),
    '# Lockstep rules (docs/rules.md): one directive a line, # starts a comment.',
    'base none',
    '',
    '# Fields never compared (the reference: SKIP_PAYLOAD_FIELDS_BY_KIND).',
    ...n.skip.map((s) => rule('skip', s.kind, s.path)),
    '',
    "# Allocator functions (the reference: ALLOCATOR_RETURN_FNS): a kernel.return's return_value and",
    '# status become <alloc:NAME_N>, N counted per thread and name ("number", the reference), or are',
    '# paired: a value matches only the value it was first seen with ("pair").',
    ...n.allocators.map((a) => `allocator ${formatToken(a)}`),
    `allocators ${n.allocatorPairing ? 'pair' : 'number'}`,
  ];
  if (n.canonicalize.length) {
    out.push('', '# Other fields canonicalized: numbered per thread like allocator returns, or paired.');
    for (const c of n.canonicalize) out.push(rule(c.pairing ? 'pair' : 'canonicalize', c.kind, c.path));
  }
  if (n.ignoreKinds.length) {
    out.push('', '# Events of these kinds are left out of both streams before comparing.');
    for (const k of n.ignoreKinds) out.push(`ignore-kind ${formatToken(k)}`);
  }
  out.push('', `# Never compared, whatever the rules (SKIP_TOP_FIELDS and the rest): ${NEVER_COMPARED_TOP_FIELDS.join(', ')}, tid.`);
  return out.join('\n') + '\n';
}

/** `--skip-field KIND:PATH` (KIND may be * or a JSON string): the kind and the path, checked. */
export function parseSkipField(text: string): { kind: string; path: string[] } {
  let kind: string;
  let rest: string;
  if (text.startsWith('"')) {
    let j = 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    kind = nameToken(text.slice(0, j + 1), 'kind');
    rest = text.slice(j + 1);
  } else {
    const colon = text.indexOf(':');
    if (colon < 0) throw new RulesError(`--skip-field ${text}: expected KIND:PATH (KIND may be *), e.g. *:payload.timeout_ms`);
    kind = text.slice(0, colon);
    rest = text.slice(colon);
  }
  if (!rest.startsWith(':') || rest.length === 1 || kind === '') {
    throw new RulesError(`--skip-field ${text}: expected KIND:PATH (KIND may be *), e.g. *:payload.timeout_ms`);
  }
  try {
    return { kind, path: pathToken(rest.slice(1), 'skip') };
  } catch (e) {
    if (e instanceof RulesError) throw new RulesError(`--skip-field ${text}: ${e.message}`);
    throw e;
  }
}
