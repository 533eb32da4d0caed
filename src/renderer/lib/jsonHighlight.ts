// Which lines of an event's pretty JSON (EventDetail.json: indent 2, the log's
// key order) hold the field the reference found different, so the raw view
// can mark them too.
import type { DifferenceView } from '../../shared/api';

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Lines [start, end) of the member `"key": …` at this indent, within [from, to). */
function memberLines(lines: string[], key: string, indent: number, from: number, to: number): [number, number] | null {
  const head = `${' '.repeat(indent)}${JSON.stringify(key)}: `;
  for (let i = from; i < to; i++) {
    if (!lines[i]!.startsWith(head)) continue;
    let end = i + 1;
    while (end < to && indentOf(lines[end]!) > indent) end++;
    // A nested value's closing bracket sits at the member's own indent.
    if (end < to && /[{[]$/.test(lines[i]!.trimEnd())) end++;
    return [i, end];
  }
  return null;
}

export function differingLines(json: string, difference: Pick<DifferenceView, 'field' | 'key'> | null | undefined): Set<number> {
  const out = new Set<number>();
  if (!difference) return out;
  const lines = json.split('\n');
  let range: [number, number] | null = null;
  if (difference.field === 'kind' || difference.field === 'tid_event_idx') {
    range = memberLines(lines, difference.field, 2, 0, lines.length);
  } else if (difference.field === 'payload') {
    const payload = memberLines(lines, 'payload', 2, 0, lines.length);
    if (payload && difference.key !== undefined) range = memberLines(lines, difference.key, 4, payload[0] + 1, payload[1]);
    else range = payload;
  }
  if (range) for (let i = range[0]; i < range[1]; i++) out.add(i);
  return out;
}
