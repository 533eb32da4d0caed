// Where inside a field two events differ: the path to the first differing
// leaf of nested values (`payload.args_resolved.a1`, `payload.blob[299]`),
// found by Python's `==` at every level, with the two leaf values (undefined:
// absent on that side). The reference's line names only the top-level field.
import { isDict, pyEq, type PyDict, type PyValue } from '../py/value';
import type { FieldDifference } from './compareEvents';

export interface LeafDifference {
  path: string;
  canary: PyValue | undefined;
  ours: PyValue | undefined;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function member(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function descend(a: PyValue | undefined, b: PyValue | undefined, path: string, depth: number): LeafDifference {
  if (depth > 200) return { path, canary: a, ours: b };
  if (isDict(a) && isDict(b)) {
    for (const [k, va] of a) {
      if (!b.has(k)) return { path: member(path, k), canary: va, ours: undefined };
      const vb = b.get(k)!;
      if (!pyEq(va, vb, true)) return descend(va, vb, member(path, k), depth + 1);
    }
    for (const [k, vb] of b) if (!a.has(k)) return { path: member(path, k), canary: undefined, ours: vb };
    return { path, canary: a, ours: b };
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (!pyEq(a[i]!, b[i]!, true)) return descend(a[i]!, b[i]!, `${path}[${i}]`, depth + 1);
    if (a.length !== b.length) return { path: `${path}[${n}]`, canary: a[n], ours: b[n] };
  }
  return { path, canary: a, ours: b };
}

/**
 * The first differing leaf under the field the reference's comparison named.
 * `compared`: the field's two values as the comparison saw them (without what
 * rules leave out of them), when not the events' own.
 */
export function leafDifference(ec: PyDict, eo: PyDict, d: FieldDifference, compared?: [PyValue | undefined, PyValue | undefined]): LeafDifference {
  if (d.field !== 'payload' || d.key === undefined) return { path: d.field, canary: ec.get(d.field), ours: eo.get(d.field) };
  const pc = ec.get('payload');
  const po = eo.get('payload');
  const vc = compared ? compared[0] : isDict(pc) && pc.has(d.key) ? pc.get(d.key) : undefined;
  const vo = compared ? compared[1] : isDict(po) && po.has(d.key) ? po.get(d.key) : undefined;
  return descend(vc, vo, member('payload', d.key), 0);
}
