// Which fields a rule set treats as engine-local: left out of the comparison,
// numbered per thread, or paired. Other analyses (divergence signatures) ask
// this to abstract such values rather than compare them: a raw handle id or an
// allocator address says nothing about a divergence beyond the thread it is in.
import { ANY_KIND, type FieldPath, type RuleSet } from './ruleSet';

export type EngineLocalHow = 'skipped' | 'numbered' | 'paired';

export interface EngineLocalField {
  /** The kind it applies to, or `*`. */
  kind: string;
  path: FieldPath;
  how: EngineLocalHow;
  /** Only for events whose payload.name is one of these (allocator returns). */
  names?: readonly string[];
}

/**
 * Every field the rules treat as engine-local. `canonicalize`: the
 * session's allocator canonicalization (the reference's
 * --no-canonicalize-allocators turns it off).
 */
export function engineLocalFields(rules: RuleSet, canonicalize = true): EngineLocalField[] {
  const out: EngineLocalField[] = rules.skip.map((s) => ({ kind: s.kind, path: s.path, how: 'skipped' as const }));
  if (canonicalize && rules.allocators.length > 0) {
    const how = rules.allocatorPairing ? 'paired' : 'numbered';
    for (const f of ['return_value', 'status']) out.push({ kind: 'kernel.return', path: ['payload', f], how, names: rules.allocators });
  }
  for (const c of rules.canonicalize) out.push({ kind: c.kind, path: c.path, how: c.pairing ? 'paired' : 'numbered' });
  return out;
}

/**
 * How the rules treat one field of one event (its kind, its payload.name if
 * any), or null when it is compared as it is. A field inside a skipped or
 * canonicalized one is treated as that one is.
 */
export function engineLocalHow(rules: RuleSet, kind: string, name: string | null, path: FieldPath, canonicalize = true): EngineLocalHow | null {
  let best: { how: EngineLocalHow; depth: number } | null = null;
  for (const f of engineLocalFields(rules, canonicalize)) {
    if (f.kind !== ANY_KIND && f.kind !== kind) continue;
    if (f.names && (name === null || !f.names.includes(name))) continue;
    if (f.path.length > path.length || !f.path.every((s, i) => s === path[i])) continue;
    // The outermost rule decides (a skipped parent wins over anything inside it); skip wins at equal depth.
    const depth = f.path.length;
    if (!best || depth < best.depth || (depth === best.depth && f.how === 'skipped')) best = { how: f.how, depth };
  }
  return best?.how ?? null;
}
