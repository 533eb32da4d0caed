// The reference's compare_event / compare_payload on exact values: the first
// difference between two events, worded as the reference words it. Raises the
// PyError the reference would die of where it would (a payload that is not an
// object, a missing kind, an unhashable kind).
import { pyRepr } from '../py/format';
import { isDict, pyEq, PyError, pyHashKey, pyTypeName, type PyDict, type PyValue } from '../py/value';
import { skippedPayloadFields } from '../rules/referenceRules';

/** Where two events first differ, for the UI to highlight; `description` is the reference's line. */
export interface FieldDifference {
  field: 'kind' | 'tid_event_idx' | 'payload';
  /** The payload key, for field === 'payload'. */
  key?: string;
  /** The key is in ours only. */
  oursOnly?: boolean;
  description: string;
}

function attributeError(v: PyValue | undefined, attr: string): PyError {
  return new PyError('AttributeError', `'${pyTypeName(v)}' object has no attribute '${attr}'`);
}

/** dict.get on a value that must be a dict (AttributeError otherwise). */
function dictGet(d: PyValue | undefined, key: string): PyValue | undefined {
  if (!isDict(d)) throw attributeError(d, 'get');
  return d.get(key);
}

function comparePayload(kind: PyValue | undefined, pc: PyValue | undefined, po: PyValue | undefined): FieldDifference | null {
  pyHashKey(kind); // SKIP_PAYLOAD_FIELDS_BY_KIND.get(kind): TypeError for a list or dict kind
  const skip = skippedPayloadFields(kind);
  if (!isDict(pc)) throw attributeError(pc, 'keys');
  const seen = new Set<string>();
  for (const [k, vc] of pc) {
    if (skip.has(k)) continue;
    seen.add(k);
    const vo = dictGet(po, k);
    if (!pyEq(vc, vo)) {
      return { field: 'payload', key: k, description: `payload.${k}: canary=${pyRepr(vc)} ours=${pyRepr(vo)}` };
    }
  }
  if (!isDict(po)) throw attributeError(po, 'keys');
  for (const [k, vo] of po) {
    if (skip.has(k) || seen.has(k)) continue;
    if (vo !== null) {
      return { field: 'payload', key: k, oursOnly: true, description: `payload.${k}: canary=<absent> ours=${pyRepr(vo)}` };
    }
  }
  return null;
}

/**
 * compare_event: null when the events are equivalent. `ignoreIdx`: leave
 * tid_event_idx out, as the alignment does (each engine numbers its own events).
 */
export function compareEvents(ec: PyDict, eo: PyDict, opts: { ignoreIdx?: boolean } = {}): FieldDifference | null {
  const kc = ec.get('kind');
  const ko = eo.get('kind');
  if (!pyEq(kc, ko)) return { field: 'kind', description: `kind: canary=${pyRepr(kc)} ours=${pyRepr(ko)}` };
  const ic = ec.get('tid_event_idx');
  const io = eo.get('tid_event_idx');
  if (!opts.ignoreIdx && !pyEq(ic, io)) {
    return { field: 'tid_event_idx', description: `tid_event_idx: canary=${pyRepr(ic)} ours=${pyRepr(io)}` };
  }
  const pc = ec.has('payload') ? ec.get('payload') : new Map<string, PyValue>();
  const po = eo.has('payload') ? eo.get('payload') : new Map<string, PyValue>();
  if (!ec.has('kind')) throw new PyError('KeyError', "'kind'");
  return comparePayload(kc, pc, po);
}
