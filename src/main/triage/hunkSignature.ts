// A hunk's signature: what kind of divergence it is, in words that stay the
// same across runs and thread ids, so that the same divergence in seven
// threads is one group and yesterday's known divergence is recognised today.
// It names the op, the kinds and call names of the hunk's first events, and
// for a replace the path to the first differing leaf with both values;
// positions, lines, tids and tid_event_idx never. Values the rules call
// engine-local (signatureRules.ts) are written as a placeholder, allocator
// ordinals are dropped, long values are named by a hash.
// Shape and id: docs/baseline.md.
import { createHash } from 'node:crypto';
import { alignedDifference, type AlignedDifference } from '../align/pairAlignment';
import type { Hunk } from '../align/alignThreads';
import type { Comparison } from '../diff/comparison';
import type { ThreadSide } from '../diff/firstDivergence';
import { pyRepr } from '../py/format';
import { isDict, type PyDict, type PyValue } from '../py/value';
import { engineLocalPlaceholder } from './signatureRules';

/** Bumped whenever the same hunk could get another signature: baselines of another scheme are refused. */
export const SIGNATURE_SCHEME = 1;

/** Events per side whose kinds and names a signature names (a hunk of 500 inserted events reads 8). */
const SAMPLE = 8;
/** Distinct labels per side, at most; more are written as `…`. */
const MAX_LABELS = 4;
/** A value's repr longer than this is cut and named by a hash of the whole. */
const LONG_VALUE = 40;

export interface HunkSignature {
  /** The first 12 hex digits of SHA-256 of the text. */
  id: string;
  /** `replace kernel.return NtReadFile: payload.status '0x00000000' → '0xC0000034'`. */
  text: string;
  /** The same in a sentence: "payload.status of NtReadFile's return differs". */
  title: string;
}

function signatureId(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
}

function callName(ev: PyDict): string | null {
  const p = ev.get('payload');
  if (!isDict(p)) return null;
  const name = p.get('name');
  if (typeof name === 'string' && name !== '') return name;
  // As the reference's render_event: a call without a name is known by its ordinal.
  const ord = p.get('ord');
  return typeof ord === 'bigint' ? `#${ord}` : null;
}

function kindOf(ev: PyDict): string {
  const k = ev.get('kind');
  if (typeof k === 'string') return k;
  try {
    return pyRepr(k as PyValue | undefined);
  } catch {
    return '<kind>'; // an int too long for Python to print: a signature is still owed
  }
}

function label(ev: PyDict): string {
  const name = callName(ev);
  return name === null ? kindOf(ev) : `${kindOf(ev)} ${name}`;
}

/** The distinct labels of a side's first events, in order of first appearance. */
function labelsOf(events: PyDict[]): string {
  const seen: string[] = [];
  let more = false;
  for (const ev of events) {
    const l = label(ev);
    if (seen.includes(l)) continue;
    if (seen.length === MAX_LABELS) {
      more = true;
      break;
    }
    seen.push(l);
  }
  return seen.join(', ') + (more ? ', …' : '');
}

function readSample(t: ThreadSide, range: [number, number]): PyDict[] {
  const to = Math.min(range[1], range[0] + SAMPLE);
  if (to <= range[0]) return [];
  t.log.prefetch(t.thread.threadNo, range[0], to);
  const out: PyDict[] = [];
  for (let pos = range[0]; pos < to; pos++) out.push(t.log.event(t.thread.threadNo, pos));
  return out;
}

/** A leaf path's keys (`payload.args_resolved.handle`), or null when it goes through a list or a quoted key. */
function pathOf(path: string): string[] | null {
  return /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(path) ? path.split('.') : null;
}

/** The last key on a leaf path (`payload.args_resolved.handle` → `handle`), or null when it ends in a list index. */
function leafKeyOf(path: string): string | null {
  const m = /(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[("(?:[^"\\]|\\.)*")\])$/.exec(path);
  if (!m) return null;
  if (m[1] !== undefined) return m[1];
  return JSON.parse(m[2]!) as string;
}

function abstractValue(repr: string | null, placeholder: string | null): string {
  if (repr === null) return '<absent>';
  if (placeholder !== null) return placeholder;
  // Canonicalized allocator values anywhere: the ordinal counts calls in the thread, a position.
  const v = repr.replace(/<alloc:([^<>]*?)_\d+>/g, '<alloc:$1>');
  if (v.length <= LONG_VALUE) return v;
  return `${v.slice(0, 24)}… #${createHash('sha256').update(v, 'utf8').digest('hex').slice(0, 8)}`;
}

function kindWord(kind: string): string {
  if (kind === 'kernel.return') return 'return';
  if (kind === 'kernel.call') return 'call';
  if (kind === 'import.call') return 'import call';
  return kind;
}

function differencePart(first: PyDict, d: AlignedDifference, cmp: Comparison): { text: string; title: string } {
  if (d.field === 'error') return { text: 'the reference cannot compare them', title: '' };
  const kind = kindOf(first);
  const name = callName(first);
  const placeholder = engineLocalPlaceholder({
    kind: typeof first.get('kind') === 'string' ? kind : null,
    name,
    payloadKey: d.field === 'payload' ? (d.key ?? null) : null,
    leafKey: d.field === 'payload' ? leafKeyOf(d.path) : null,
    path: d.field === 'payload' ? pathOf(d.path) : null,
    rules: cmp.reference ? null : { rules: cmp.rules, canonicalize: cmp.canonicalize },
  });
  const text = `${d.path} ${abstractValue(d.canary, placeholder)} → ${abstractValue(d.ours, placeholder)}`;
  if (d.field === 'kind') return { text, title: '' };
  return { text, title: `${d.path} of ${name === null ? `${kind} events` : `${name}'s ${kindWord(kind)}`} differs` };
}

/**
 * The signature of one hunk of a pair's alignment. `difference`: how the
 * replace's first two events differ, when the caller has it already.
 */
export function hunkSignature(c: ThreadSide, o: ThreadSide, h: Hunk, difference?: AlignedDifference | null): HunkSignature {
  const cs = h.op === 'insert' ? [] : readSample(c, h.canary);
  const os = h.op === 'delete' ? [] : readSample(o, h.ours);
  let text: string;
  let title: string;
  if (h.op === 'insert') {
    const l = labelsOf(os);
    [text, title] = [`insert ${l}`, `ours has extra ${l}`];
  } else if (h.op === 'delete') {
    const l = labelsOf(cs);
    [text, title] = [`delete ${l}`, `ours is missing ${l}`];
  } else {
    const cl = labelsOf(cs);
    const ol = labelsOf(os);
    const d = difference === undefined ? alignedDifference(cs[0]!, os[0]!, { ignoreIdx: true }, c.log.cmp.reference ? null : c.log.rules) : difference;
    const labels = cl === ol ? cl : `${cl} | ${ol}`;
    if (d === null) {
      // Cannot be: a replace's first events differ. Named all the same rather than failing a report.
      [text, title] = [`replace ${labels}`, `${labels} differs`];
    } else {
      const part = differencePart(cs[0]!, d, c.log.cmp);
      text = `replace ${labels}: ${part.text}`;
      title =
        part.title || (d.field === 'error' ? `${labels}: events the reference cannot compare` : `canary's ${label(cs[0]!)} where ours has ${label(os[0]!)}`);
    }
  }
  return { id: signatureId(text), text, title };
}
