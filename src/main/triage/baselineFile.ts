// Reading a baseline: a curated list of known divergences (signatures or
// patterns, each with a note saying why it is harmless), or the JSON report
// of an earlier run (every signature in it is known). Comments are allowed in
// curated files (JSONC, read by Microsoft's jsonc-parser, which also tells
// where each value sits): a file that is not a baseline fails in one line
// naming the file and the line. Format: docs/baseline.md.
import { readFileSync, statSync } from 'node:fs';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { LogInputError } from '../ingest/logErrors';
import { SIGNATURE_SCHEME } from './hunkSignature';

export const BASELINE_FORMAT = 'lockstep-baseline';
export const BASELINE_VERSION = 1;
const REPORT_FORMAT = 'lockstep-report';
const MAX_BASELINE_BYTES = 1 << 30;

/** A baseline file that cannot be read as one: `file:line: what`. */
export class BaselineError extends LogInputError {}

export interface BaselineEntry {
  /** A signature id (12 hex digits) this entry knows, or null for a pattern. */
  signature: string | null;
  /** A pattern over signature texts (`*`: any characters, `?`: one), or null. */
  pattern: string | null;
  /** The signature's text, when the file gives it (shown for a fixed entry). */
  text: string | null;
  /** Why it is harmless (curated files), or where it was seen (reports, earlier runs). */
  note: string | null;
  /** 1-based line of the entry in its file (0: not from a file). */
  line: number;
}

export interface Baseline {
  kind: 'curated' | 'report' | 'run';
  /** The file it was read from (null: an earlier run from the sessions database). */
  path: string | null;
  /** How messages and the workbench name it. */
  label: string;
  entries: BaselineEntry[];
}

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

class Reader {
  private starts: number[] | null = null;

  constructor(
    readonly label: string,
    readonly text: string,
  ) {}

  /** 1-based line of an offset (a report has thousands of entries: the line starts are found once). */
  line(offset: number): number {
    if (!this.starts) {
      this.starts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  fail(at: { offset: number } | null, what: string): never {
    throw new BaselineError(this.label, at ? this.line(at.offset) : 1, what);
  }

  prop(obj: Node, key: string): Node | undefined {
    for (const p of obj.children ?? []) if (p.children?.[0]?.value === key) return p.children[1];
    return undefined;
  }

  str(obj: Node, key: string, opts: { required: boolean; nonEmpty?: boolean }): string | null {
    const v = this.prop(obj, key);
    if (v === undefined) {
      if (opts.required) this.fail(obj, `"${key}" is missing`);
      return null;
    }
    if (v.type !== 'string') this.fail(v, `"${key}" must be a string`);
    const s = v.value as string;
    if (opts.nonEmpty && s.trim() === '') this.fail(v, `"${key}" is empty`);
    return s;
  }

  num(obj: Node, key: string): number | null {
    const v = this.prop(obj, key);
    if (v === undefined) return null;
    if (v.type !== 'number') this.fail(v, `"${key}" must be a number`);
    return v.value as number;
  }
}

const SIGNATURE_ID = /^[0-9a-f]{12}$/;

function curatedEntries(r: Reader, root: Node): BaselineEntry[] {
  const version = r.num(root, 'version');
  if (version === null) r.fail(root, '"version" is missing');
  if (version > BASELINE_VERSION)
    r.fail(r.prop(root, 'version')!, `written by a newer Lockstep (baseline version ${version}; this one reads ${BASELINE_VERSION})`);
  if (version !== BASELINE_VERSION) r.fail(r.prop(root, 'version')!, `unknown baseline version ${version}`);
  schemeOf(r, root);
  const known = r.prop(root, 'known');
  if (known === undefined) r.fail(root, '"known" is missing: the list of known divergences');
  if (known.type !== 'array') r.fail(known, '"known" must be a list');
  return (known.children ?? []).map((e) => {
    if (e.type !== 'object') r.fail(e, 'an entry of "known" must be an object with "signature" or "pattern", and "note"');
    const signature = r.str(e, 'signature', { required: false });
    const pattern = r.str(e, 'pattern', { required: false, nonEmpty: true });
    if ((signature === null) === (pattern === null)) r.fail(e, 'an entry needs one of "signature" (a signature id) or "pattern"');
    if (signature !== null && !SIGNATURE_ID.test(signature))
      r.fail(r.prop(e, 'signature')!, `"signature" must be a signature id of 12 hex digits, not ${JSON.stringify(signature)}`);
    if (r.prop(e, 'note') === undefined) r.fail(e, 'an entry needs a "note" saying why the divergence is harmless');
    const note = r.str(e, 'note', { required: true, nonEmpty: true });
    return { signature, pattern, text: r.str(e, 'text', { required: false }), note, line: r.line(e.offset) };
  });
}

function schemeOf(r: Reader, root: Node): void {
  const scheme = r.num(root, 'signatureScheme');
  if (scheme === null) r.fail(root, '"signatureScheme" is missing (this Lockstep writes signatures of scheme 1)');
  if (scheme !== SIGNATURE_SCHEME) {
    r.fail(r.prop(root, 'signatureScheme')!, `signatures of scheme ${scheme}, and this Lockstep's are of scheme ${SIGNATURE_SCHEME}: they cannot be compared`);
  }
}

/** Every distinct signature of a JSON report (docs/report-json.md), in the order first seen. */
function reportEntries(r: Reader, root: Node): BaselineEntry[] {
  const version = r.num(root, 'version');
  if (version !== 2) r.fail(r.prop(root, 'version') ?? root, `a JSON report of version ${version ?? '?'}: only version 2 reports carry signatures`);
  if (r.prop(root, 'signatureScheme') === undefined) {
    r.fail(root, 'a JSON report written before reports carried signatures: write it again with lockstep diff --format json');
  }
  schemeOf(r, root);
  const pairs = r.prop(root, 'pairs');
  if (pairs?.type !== 'array') r.fail(pairs ?? root, '"pairs" must be a list');
  const seen = new Map<string, BaselineEntry>();
  for (const pair of pairs.children ?? []) {
    if (pair.type !== 'object') r.fail(pair, 'a pair must be an object');
    const hunks = r.prop(pair, 'hunks');
    if (hunks?.type !== 'array') r.fail(hunks ?? pair, 'a pair without its "hunks" list');
    for (const h of hunks.children ?? []) {
      const sig = h.type === 'object' ? r.prop(h, 'signature') : undefined;
      if (sig?.type !== 'object') r.fail(sig ?? h, 'a hunk without its "signature"');
      const id = r.str(sig, 'id', { required: true })!;
      if (!SIGNATURE_ID.test(id)) r.fail(r.prop(sig, 'id')!, `a signature id must be 12 hex digits, not ${JSON.stringify(id)}`);
      if (!seen.has(id)) seen.set(id, { signature: id, pattern: null, text: r.str(sig, 'text', { required: false }), note: null, line: r.line(sig.offset) });
    }
  }
  return [...seen.values()];
}

/** A baseline from its text (`label` names it in messages). */
export function parseBaseline(label: string, text: string): Baseline {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const r: Reader = new Reader(label, text);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const e = errors[0]!;
    r.fail(e, `not valid JSON: ${printParseErrorCode(e.error)}`);
  }
  if (!root) r.fail(null, 'empty: not a baseline');
  if (root.type !== 'object') r.fail(root, 'not a baseline: a JSON object was expected');
  const format = r.str(root, 'format', { required: false });
  if (format === BASELINE_FORMAT) return { kind: 'curated', path: null, label, entries: curatedEntries(r, root) };
  if (format === REPORT_FORMAT) return { kind: 'report', path: null, label, entries: reportEntries(r, root) };
  return r.fail(
    r.prop(root, 'format') ?? root,
    `not a baseline: "format" must be "${BASELINE_FORMAT}" (a curated list of known divergences) or "${REPORT_FORMAT}" (a JSON report of an earlier run)`,
  );
}

/** The file's text: a regular file, UTF-8. */
export function readBaselineText(path: string, label = path): string {
  let bytes: Buffer;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new BaselineError(label, null, 'not a regular file (a pipe, a device or a directory), not a baseline');
    if (st.size > MAX_BASELINE_BYTES) throw new BaselineError(label, null, `${st.size} bytes, too large for a baseline`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof BaselineError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new BaselineError(label, null, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'no permission to read it' : (e as Error).message);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw new BaselineError(label, lineAt(bytes.toString('latin1'), bad), 'not UTF-8 text');
  }
}

function firstInvalidUtf8(bytes: Buffer): number {
  // The longest prefix that decodes: binary search on a fatal decoder is simplest and exact enough for a line number.
  let lo = 0;
  let hi = bytes.length;
  const ok = (n: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Read a baseline file. */
export function readBaseline(path: string, label = path): Baseline {
  return { ...parseBaseline(label, readBaselineText(path, label)), path };
}
