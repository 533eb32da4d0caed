// A rule set as the contract carries it (src/shared/api.ts RulesData): the
// same lists, paths written as the rules file writes them. What the workbench
// sends back is read as a rules file's lines are: checked, one message naming
// what is wrong.
import type { RulesData } from '../../shared/api';
import { RulesBuilder, RulesError } from './rulesFile';
import { checkPath, formatPath, normalizeRules, parsePath, RulePathError, rulesProblem, type RuleSet } from './ruleSet';

export function rulesData(r: RuleSet): RulesData {
  const n = normalizeRules(r);
  return {
    skip: n.skip.map((s) => ({ kind: s.kind, path: formatPath(s.path) })),
    allocators: [...n.allocators],
    allocatorPairing: n.allocatorPairing,
    canonicalize: n.canonicalize.map((c) => ({ kind: c.kind, path: formatPath(c.path), pairing: c.pairing })),
    ignoreKinds: [...n.ignoreKinds],
  };
}

function path(text: string, what: 'skip' | 'canonicalize', where: string): string[] {
  let p: string[];
  try {
    p = parsePath(text);
  } catch (e) {
    if (e instanceof RulePathError) throw new RulesError(`${where}: ${e.message}`);
    throw e;
  }
  const problem = checkPath(p, what);
  if (problem) throw new RulesError(`${where}: ${problem}`);
  return p;
}

/** The rule set the workbench sends (complete: it starts from nothing). */
export function fromRulesData(d: RulesData): RuleSet {
  const b = new RulesBuilder({ skip: [], allocators: [], allocatorPairing: false, canonicalize: [], ignoreKinds: [] });
  for (const s of d.skip) b.skip(s.kind, path(s.path, 'skip', `skip ${s.kind} ${s.path}`));
  for (const a of d.allocators) b.allocator(a);
  b.allocatorPairing(d.allocatorPairing);
  for (const c of d.canonicalize) b.canonicalize(c.kind, path(c.path, 'canonicalize', `${c.pairing ? 'pair' : 'canonicalize'} ${c.kind} ${c.path}`), c.pairing);
  for (const k of d.ignoreKinds) {
    if (k === '*') throw new RulesError('ignore-kind takes one kind, not *');
    b.ignoreKind(k);
  }
  const problem = rulesProblem(b.rules);
  if (problem) throw new RulesError(problem);
  return b.rules;
}
