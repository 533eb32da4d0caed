// compare_event under a rule set, on exact values: what confirms every
// difference a derived key suggests (deriveKeys.ts), worded as the reference
// words its own. The events come canonicalized (RuledLog.event); here the
// rules leave out skipped fields at any depth, tid_event_idx or the payload
// where a rule says so, and paired values, which the pairing compares
// (pairing.ts): only their presence is compared here, as in the keys. A value
// inside a field is described as it was compared: without what the rules
// leave out of it, a paired value as <paired>.
import { pyRepr } from '../py/format';
import { isDict, pyEq, PyError, pyHashKey, pyTypeName, type PyDict, type PyValue } from '../py/value';
import type { FieldDifference } from './compareEvents';
import type { CompiledRules, RuleNode } from './deriveKeys';

function attributeError(v: PyValue | undefined, attr: string): PyError {
  return new PyError('AttributeError', `'${pyTypeName(v)}' object has no attribute '${attr}'`);
}

/** Whether a field's value is left to the pairing (a paired field, present and not None). */
const pairedHere = (node: RuleNode | undefined, v: PyValue | undefined): boolean => !!node?.canon?.pairing && v !== undefined && v !== null;

/**
 * What a paired value is compared as: only that it is there (the pairing
 * compares the value itself), as the derived key holds only its presence.
 */
const PAIRED = '<paired>';

/** A value as the comparison sees it: the skipped fields inside it left out, the paired ones as PAIRED. */
function compared(v: PyValue | undefined, node: RuleNode | undefined): PyValue | undefined {
  if (pairedHere(node, v)) return PAIRED;
  if (!node || node.children.size === 0 || !isDict(v)) return v;
  const out = new Map<string, PyValue>();
  for (const [k, x] of v) {
    const sub = node.children.get(k);
    if (sub?.skip) continue;
    out.set(k, compared(x, sub) as PyValue);
  }
  return out;
}

function comparePayload(root: RuleNode, pc: PyValue | undefined, po: PyValue | undefined): FieldDifference | null {
  if (!isDict(pc)) throw attributeError(pc, 'keys');
  const seen = new Set<string>();
  for (const [k, raw] of pc) {
    const node = root.children.get(k);
    if (node?.skip) continue;
    seen.add(k);
    if (!isDict(po)) throw attributeError(po, 'get');
    const vc = compared(raw, node);
    const vo = compared(po.get(k), node);
    if (!pyEq(vc, vo)) return { field: 'payload', key: k, description: `payload.${k}: canary=${pyRepr(vc)} ours=${pyRepr(vo)}` };
  }
  if (!isDict(po)) throw attributeError(po, 'keys');
  for (const [k, raw] of po) {
    const node = root.children.get(k);
    if (node?.skip || seen.has(k)) continue;
    if (raw !== null) return { field: 'payload', key: k, oursOnly: true, description: `payload.${k}: canary=<absent> ours=${pyRepr(compared(raw, node)!)}` };
  }
  return null;
}

/** compare_event under the rules: null when the events are equal (their paired values aside). */
export function compareEventsUnder(rules: CompiledRules, ec: PyDict, eo: PyDict, opts: { ignoreIdx?: boolean } = {}): FieldDifference | null {
  const kc = ec.get('kind');
  const ko = eo.get('kind');
  if (!pyEq(kc, ko)) return { field: 'kind', description: `kind: canary=${pyRepr(kc)} ours=${pyRepr(ko)}` };
  const plan = rules.plan(kc);
  const ic = ec.get('tid_event_idx');
  const io = eo.get('tid_event_idx');
  if (!opts.ignoreIdx && !plan.idxSkipped && !pyEq(ic, io)) {
    return { field: 'tid_event_idx', description: `tid_event_idx: canary=${pyRepr(ic)} ours=${pyRepr(io)}` };
  }
  if (plan.payloadSkipped) return null;
  const pc = ec.has('payload') ? ec.get('payload') : new Map<string, PyValue>();
  const po = eo.has('payload') ? eo.get('payload') : new Map<string, PyValue>();
  if (!ec.has('kind')) throw new PyError('KeyError', "'kind'");
  pyHashKey(kc); // a list or dict kind: TypeError, as the reference's dict lookup
  return comparePayload(plan.allocatorCheck && isAllocatorReturn(rules, pc) ? rules.allocatorRoot(plan) : plan.root, pc, po);
}

/** canonicalize_allocator_returns' test: payload.name is one of the allocators. */
function isAllocatorReturn(rules: CompiledRules, payload: PyValue | undefined): boolean {
  const name = isDict(payload) ? payload.get('name') : undefined;
  return typeof name === 'string' && rules.allocators.has(name);
}

/** A payload field's two values as compareEventsUnder compared them (what the rules leave out of them pruned). */
export function comparedValues(rules: CompiledRules, ec: PyDict, eo: PyDict, key: string): [PyValue | undefined, PyValue | undefined] {
  const pc = ec.get('payload');
  const po = eo.get('payload');
  const plan = rules.plan(ec.get('kind'));
  const root = plan.allocatorCheck && isAllocatorReturn(rules, pc) ? rules.allocatorRoot(plan) : plan.root;
  const node = root.children.get(key);
  const vc = isDict(pc) && pc.has(key) ? pc.get(key) : undefined;
  const vo = isDict(po) && po.has(key) ? po.get(key) : undefined;
  return [compared(vc, node), compared(vo, node)];
}

/** The value at a field's path in an event (undefined where absent). */
export function valueAt(ev: PyDict, path: readonly string[]): PyValue | undefined {
  let v: PyValue | undefined = ev;
  for (const seg of path) {
    if (!isDict(v)) return undefined;
    v = v.get(seg);
  }
  return v;
}
