// The reference's render_event: the one-line summary of an event in reports.
import { pyStr } from '../py/format';
import { isDict, PyError, pyEq, pyTruthy, pyTypeName, type PyDict, type PyValue } from '../py/value';

const CALL_KINDS = ['kernel.call', 'kernel.return', 'import.call'];
const HANDLE_KINDS = ['handle.create', 'handle.destroy'];

function kindIn(kind: PyValue | undefined, kinds: string[]): boolean {
  return kinds.some((k) => pyEq(kind, k));
}

function payloadGet(payload: PyValue | undefined, key: string): PyValue | undefined {
  if (!isDict(payload)) throw new PyError('AttributeError', `'${pyTypeName(payload)}' object has no attribute 'get'`);
  return payload.get(key);
}

export function renderEvent(ev: PyDict): string {
  const kind = ev.has('kind') ? ev.get('kind') : '?';
  const idx = ev.has('tid_event_idx') ? ev.get('tid_event_idx') : '?';
  const payload = ev.has('payload') ? ev.get('payload') : new Map<string, PyValue>();
  if (kindIn(kind, CALL_KINDS)) {
    const name = payloadGet(payload, 'name');
    const shown = pyTruthy(name) ? name : payloadGet(payload, 'ord');
    return `[${pyStr(idx)}] ${pyStr(kind)} ${pyStr(shown)}`;
  }
  if (kindIn(kind, HANDLE_KINDS)) {
    const d = payload;
    if (!isDict(d)) throw new PyError('AttributeError', `'${pyTypeName(d)}' object has no attribute 'get'`);
    const sid = d.has('handle_semantic_id') ? d.get('handle_semantic_id') : '?';
    return `[${pyStr(idx)}] ${pyStr(kind)} sid=${pyStr(sid)}`;
  }
  return `[${pyStr(idx)}] ${pyStr(kind)} ${pyStr(payload)}`;
}
