// "Mark as known": entries written into a curated baseline file, which is the
// user's work (often kept in their repository): the file is read again just
// before the change, changed where the entry goes (jsonc-parser's edits keep
// its comments, order and layout), and written beside and renamed over it, so
// that it is whole at every moment; a file that is not a curated baseline is
// never written. A symlink is followed: the file it points to is rewritten.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { applyEdits, findNodeAtLocation, modify, parseTree, type FormattingOptions } from 'jsonc-parser';
import { writeFileAtomic } from '../store/noSpace';
import { BASELINE_FORMAT, BASELINE_VERSION, BaselineError, parseBaseline, readBaselineText } from './baselineFile';
import { SIGNATURE_SCHEME } from './hunkSignature';

export interface KnownEntry {
  signature: string;
  text: string;
  note: string;
}

function formatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

const today = (): string => new Date().toISOString().slice(0, 10);

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * Add an entry after the last one of a non-empty "known" list, by hand: the
 * library's insertion reformats the line of the entry before it and leaves
 * that entry's trailing comment after the new one. Here the comma goes right
 * after the last entry, the new entry on a line of its own after the rest of
 * that line (a comment stays with the entry it is about), indented as it is.
 */
function appendAfterLast(text: string, entry: object, opts: FormattingOptions): string | null {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const known = root && findNodeAtLocation(root, ['known']);
  const last = known?.children?.[known.children.length - 1];
  if (!last) return null;
  const end = last.offset + last.length;
  const eol = opts.eol ?? '\n';
  const rest = /^[^\n]*/.exec(text.slice(end))![0];
  const restIsComment = /^\s*,?\s*(\/\/.*|\/\*.*\*\/\s*)?\r?$/.test(rest);
  const hasComma = /^\s*,/.test(rest);
  const indent = /^[ \t]*/.exec(text.slice(lineStart(text, last.offset)))![0];
  const unit = opts.insertSpaces ? ' '.repeat(opts.tabSize ?? 2) : '\t';
  const body = JSON.stringify(entry, null, unit)
    .split('\n')
    .join(eol + indent);
  if (!restIsComment) return text.slice(0, end) + ',' + eol + indent + body + text.slice(end);
  // The comma after the last entry (before its comment), the new entry after that line.
  const lineEnd = end + rest.replace(/\r$/, '').length;
  const comma = hasComma ? '' : ',';
  return text.slice(0, end) + comma + text.slice(end, lineEnd) + eol + indent + body + text.slice(lineEnd);
}

/** A new curated baseline's text: `seed` entries first (what the run was compared with), then `entries`. */
function newBaselineText(entries: readonly KnownEntry[], seed: readonly KnownEntry[] = []): string {
  const added = today();
  return (
    JSON.stringify(
      {
        format: BASELINE_FORMAT,
        version: BASELINE_VERSION,
        signatureScheme: SIGNATURE_SCHEME,
        known: [...seed, ...entries].map((e) => ({ signature: e.signature, text: e.text, note: e.note, added })),
      },
      null,
      2,
    ) + '\n'
  );
}

/**
 * Write `entries` into the curated baseline at `path`: an entry whose
 * signature is there already gets the new note, the others are added at the
 * end. Where no file is, a new one is made, `seed` entries first. Returns
 * the file written (a symlink's target) and whether it was made.
 */
export function writeKnownEntries(path: string, entries: readonly KnownEntry[], seed: readonly KnownEntry[] = []): { path: string; created: boolean } {
  const given = resolve(path);
  if (!existsSync(given)) {
    writeFileAtomic(given, newBaselineText(entries, seed));
    return { path: given, created: true };
  }
  const target = realpathSync(given);
  let text = readBaselineText(target, path);
  const baseline = parseBaseline(path, text);
  if (baseline.kind !== 'curated') {
    throw new BaselineError(path, null, 'a JSON report, not a curated baseline: known divergences are written to a curated list (choose another file)');
  }
  const options = { formattingOptions: formatting(text) };
  for (const e of entries) {
    const at = baseline.entries.findIndex((x) => x.signature === e.signature);
    if (at >= 0) text = applyEdits(text, modify(text, ['known', at, 'note'], e.note, options));
    else {
      const entry = { signature: e.signature, text: e.text, note: e.note, added: today() };
      text =
        appendAfterLast(text, entry, options.formattingOptions) ?? applyEdits(text, modify(text, ['known', -1], entry, { ...options, isArrayInsertion: true }));
      baseline.entries.push({ signature: e.signature, pattern: null, text: e.text, note: e.note, line: 0 });
    }
  }
  // What is written must read back as the baseline it now is: never leave the user a file Lockstep itself refuses.
  parseBaseline(path, text);
  writeFileAtomic(target, text, { mode: statSync(target).mode & 0o7777 });
  return { path: target, created: false };
}
