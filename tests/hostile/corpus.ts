// The hostile-input corpus: logs as engines under development write them —
// cut by a crash, odd bytes, odd values, odd shapes — each paired with a
// plain log, run through both tools. Generated here, never stored.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER = '{"kind": "schema_version", "schema_version": 1}';

function ev(tid: number | string, idx: number | string, kind: string, payload: string | null): string {
  return `{"tid": ${tid}, "tid_event_idx": ${idx}, "kind": "${kind}"${payload === null ? '' : `, "payload": ${payload}`}}`;
}

/** A small well-formed thread: a first kernel.call naming it, then a few events. */
function thread(tid: number, n: number, name = 'KeInit'): string[] {
  const out = [ev(tid, 0, 'kernel.call', `{"name": "${name}", "ord": 1}`)];
  for (let i = 1; i < n; i++) out.push(ev(tid, i, i % 2 ? 'kernel.return' : 'kernel.call', `{"name": "NtClose", "ord": 2, "return_value": ${i}}`));
  return out;
}

export interface HostileCase {
  name: string;
  /** What the case exercises, for the README's table. */
  about: string;
  canary: string | Buffer;
  ours: string | Buffer;
  args?: string[];
  /** The case is a path rather than content (a directory, a missing file). */
  special?: 'canary-is-directory' | 'ours-missing';
}

const lines = (...ls: string[]): string => ls.join('\n') + '\n';
const good = lines(HEADER, ...thread(6, 6));
const goodOurs = lines(HEADER, ...thread(1, 6));

export function hostileCases(): HostileCase[] {
  const deep = (d: number): string => '['.repeat(d) + ']'.repeat(d);
  const cases: HostileCase[] = [
    { name: 'truncated-half-object', about: 'last line cut in half, no newline', canary: good + '{"tid": 6, "tid_event_idx": 6, "ki', ours: goodOurs },
    { name: 'no-final-newline', about: 'complete last line without newline', canary: good.slice(0, -1), ours: goodOurs.slice(0, -1) },
    {
      name: 'invalid-utf8',
      about: 'a byte that is not UTF-8',
      canary: Buffer.concat([
        Buffer.from(lines(HEADER, ...thread(6, 3))),
        Buffer.from('{"tid": 6, "tid_event_idx": 3, "kind": "x", "payload": {"s": "'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}}\n'),
      ]),
      ours: goodOurs,
    },
    { name: 'utf8-bom', about: 'a UTF-8 byte-order mark', canary: '\ufeff' + good, ours: goodOurs },
    { name: 'bom-on-event-line', about: 'a BOM starting an event line', canary: lines(HEADER, '\ufeff' + thread(6, 1)[0]!), ours: goodOurs },
    { name: 'crlf', about: 'CRLF line ends and blank CRLF lines', canary: good.replaceAll('\n', '\r\n') + '\r\n', ours: goodOurs.replaceAll('\n', '\n\r\n') },
    { name: 'lone-cr', about: 'old Mac line ends (lone CR)', canary: good.replaceAll('\n', '\r'), ours: goodOurs },
    {
      name: 'ten-mb-line',
      about: 'a 10 MB line',
      canary: lines(HEADER, ...thread(6, 3), ev(6, 3, 'import.call', `{"name": "Big", "blob": "${'x'.repeat(10 << 20)}"}`)),
      ours: lines(HEADER, ...thread(1, 3), ev(1, 3, 'import.call', `{"name": "Big", "blob": "${'x'.repeat(10 << 20)}y"}`)),
    },
    {
      name: 'deep-nesting-ok',
      about: 'payload nested 900 deep',
      canary: lines(HEADER, ...thread(6, 2), ev(6, 2, 'wait.begin', `{"x": ${deep(900)}}`)),
      ours: lines(HEADER, ...thread(1, 2), ev(1, 2, 'wait.begin', `{"x": ${deep(900)}}`)),
    },
    {
      name: 'deep-nesting-too-deep',
      about: 'payload nested 5000 deep',
      canary: lines(HEADER, ...thread(6, 2), ev(6, 2, 'wait.begin', `{"x": ${deep(5000)}}`)),
      ours: goodOurs,
    },
    {
      name: 'nan-infinity',
      about: 'NaN / Infinity tokens, top level and nested',
      canary: lines(HEADER, ...thread(6, 2), ev(6, 2, 'wait.end', '{"n": [NaN], "i": Infinity, "m": -Infinity}'), ev(6, 3, 'wait.end', '{"n": NaN}')),
      ours: lines(HEADER, ...thread(1, 2), ev(1, 2, 'wait.end', '{"n": [NaN], "i": Infinity, "m": -Infinity}'), ev(1, 3, 'wait.end', '{"n": NaN}')),
    },
    {
      name: 'duplicate-keys',
      about: 'repeated keys (the last one counts)',
      canary: lines(
        HEADER,
        ...thread(6, 2),
        '{"tid": 6, "tid_event_idx": 2, "kind": "x", "kind": "wait.end", "payload": {"a": 1, "a": 2, "b": {"c": 1, "c": 3}}}',
      ),
      ours: lines(HEADER, ...thread(1, 2), '{"tid": 1, "tid_event_idx": 2, "kind": "wait.end", "payload": {"a": 2, "b": {"c": 3}}}'),
    },
    { name: 'json-array-line', about: 'a line that is a JSON array', canary: lines(HEADER, ...thread(6, 2), '[1, 2]'), ours: goodOurs },
    { name: 'json-string-line', about: 'a line that is a JSON string', canary: lines(HEADER, ...thread(6, 2), '"event"'), ours: goodOurs },
    { name: 'json-null-line', about: 'a line that is null', canary: lines(HEADER, ...thread(6, 2), 'null'), ours: goodOurs },
    {
      name: 'tid-as-string',
      about: 'tids as strings',
      canary: lines(HEADER, ...thread(6, 4).map((l) => l.replace('"tid": 6', '"tid": "6"'))),
      ours: lines(HEADER, ...thread(1, 4).map((l) => l.replace('"tid": 1', '"tid": "a"'))),
    },
    {
      name: 'tid-mixed-types',
      about: 'a string tid and an int tid sharing a first call',
      canary: lines(HEADER, ...thread(6, 3), ...thread(7, 3).map((l) => l.replace('"tid": 7', '"tid": "7"'))),
      ours: lines(HEADER, ...thread(1, 3), ...thread(2, 3)),
    },
    {
      name: 'tid-float-and-bool',
      about: 'tid 6.0 and true',
      canary: lines(HEADER, ...thread(6, 3).map((l) => l.replace('"tid": 6', '"tid": 6.0')), ...thread(1, 2).map((l) => l.replace('"tid": 1', '"tid": true'))),
      ours: goodOurs,
    },
    {
      name: 'payload-null-first-call',
      about: 'payload null on a first kernel.call',
      canary: lines(HEADER, ev(6, 0, 'kernel.call', 'null'), ...thread(6, 3).slice(1)),
      ours: goodOurs,
    },
    {
      name: 'payload-null-compared',
      about: 'payload null compared (manual map)',
      canary: lines(HEADER, ev(6, 0, 'wait.begin', 'null')),
      ours: lines(HEADER, ev(1, 0, 'wait.begin', 'null')),
      args: ['--tid-map', '6=1'],
    },
    {
      name: 'payload-list-return',
      about: 'payload a list on a kernel.return',
      canary: lines(HEADER, ...thread(6, 2), ev(6, 2, 'kernel.return', '["RtlAllocateHeap"]')),
      ours: goodOurs,
    },
    {
      name: 'payload-empty-list',
      about: 'payload [] (falsy: canonicalization skips it)',
      canary: lines(HEADER, ...thread(6, 2), ev(6, 2, 'kernel.return', '[]')),
      ours: lines(HEADER, ...thread(1, 2), ev(1, 2, 'kernel.return', '[]')),
    },
    {
      name: 'missing-payload',
      about: 'events without payload',
      canary: lines(HEADER, ...thread(6, 2), ev(6, 2, 'thread.exit', null)),
      ours: lines(HEADER, ...thread(1, 2), ev(1, 2, 'thread.exit', '{}')),
    },
    {
      name: 'missing-tid-event-idx',
      about: 'an event without tid_event_idx',
      canary: lines(HEADER, ...thread(6, 2), '{"tid": 6, "kind": "wait.begin", "payload": {}}'),
      ours: lines(HEADER, ...thread(1, 2), '{"tid": 1, "kind": "wait.begin", "payload": {}}'),
    },
    { name: 'missing-tid', about: 'an event without tid', canary: lines(HEADER, ...thread(6, 2), '{"tid_event_idx": 2, "kind": "x"}'), ours: goodOurs },
    { name: 'tid-null', about: 'tid null', canary: lines(HEADER, ...thread(6, 2), '{"tid": null, "tid_event_idx": 2}'), ours: goodOurs },
    { name: 'tid-list', about: 'tid a list (unhashable)', canary: lines(HEADER, ...thread(6, 2), '{"tid": [6], "tid_event_idx": 2}'), ours: goodOurs },
    { name: 'idx-string', about: 'tid_event_idx a string', canary: lines(HEADER, ...thread(6, 2), ev(6, '"two"', 'x', '{}')), ours: goodOurs },
    {
      name: 'idx-float',
      about: 'tid_event_idx 2.5',
      canary: lines(HEADER, ...thread(6, 2), ev(6, '2.5', 'x', '{}')),
      ours: lines(HEADER, ...thread(1, 2), ev(1, '2.5', 'x', '{}')),
    },
    {
      name: 'kind-missing-both',
      about: 'kind missing on both sides',
      canary: lines(HEADER, ...thread(6, 2), '{"tid": 6, "tid_event_idx": 2, "payload": {}}'),
      ours: lines(HEADER, ...thread(1, 2), '{"tid": 1, "tid_event_idx": 2, "payload": {}}'),
    },
    {
      name: 'kind-list',
      about: 'kind a list',
      canary: lines(HEADER, ...thread(6, 2), '{"tid": 6, "tid_event_idx": 2, "kind": ["a"], "payload": {}}'),
      ours: lines(HEADER, ...thread(1, 2), '{"tid": 1, "tid_event_idx": 2, "kind": ["a"], "payload": {}}'),
    },
    {
      name: 'lone-surrogate-name',
      about: 'a lone surrogate the report must print',
      canary: lines(HEADER, ...thread(6, 2), ev(6, 2, 'kernel.call', '{"name": "bad\\ud800"}')),
      ours: lines(HEADER, ...thread(1, 2), ev(1, 2, 'kernel.call', '{"name": "other"}')),
    },
    {
      name: 'big-ints-floats',
      about: 'integers past 2^64 and float spellings',
      canary: lines(HEADER, ...thread(6, 2), ev(6, 2, 'wait.end', '{"a": 18446744073709551617, "b": 1.0, "c": 1e16, "d": true}')),
      ours: lines(HEADER, ...thread(1, 2), ev(1, 2, 'wait.end', '{"a": 18446744073709551617, "b": 1, "c": 10000000000000000, "d": 1}')),
    },
    { name: 'header-version-string', about: 'schema_version "1"', canary: good.replace('"schema_version": 1}', '"schema_version": "1"}'), ours: goodOurs },
    { name: 'header-version-float', about: 'schema_version 1.0', canary: good.replace('"schema_version": 1}', '"schema_version": 1.0}'), ours: goodOurs },
    { name: 'header-missing-kind', about: 'header without kind', canary: good.replace('"kind": "schema_version", ', ''), ours: goodOurs },
    { name: 'header-array', about: 'header a JSON array', canary: lines('[1]', ...thread(6, 2)), ours: goodOurs },
    { name: 'header-blank-first-line', about: 'blank first line', canary: '\n' + good, ours: goodOurs },
    {
      name: 'header-extra-fields',
      about: 'header with extra fields',
      canary: good.replace('"schema_version": 1}', '"schema_version": 1, "engine": "canary", "x": [1]}'),
      ours: goodOurs,
    },
    { name: 'header-only', about: 'a header and no events', canary: HEADER + '\n', ours: goodOurs },
    { name: 'empty-file', about: 'an empty file', canary: '', ours: goodOurs },
    { name: 'nul-bytes', about: 'NUL bytes in a line', canary: lines(HEADER, ...thread(6, 2), '{"tid": 6,\u0000 "tid_event_idx": 2}'), ours: goodOurs },
    {
      name: 'control-char-in-string',
      about: 'a raw control character in a string',
      canary: lines(HEADER, ...thread(6, 2), ev(6, 2, 'x', '{"s": "a\u0001b"}')),
      ours: goodOurs,
    },
    {
      name: 'huge-int',
      about: 'an integer of 5000 digits',
      canary: lines(HEADER, ...thread(6, 2), ev(6, 2, 'x', `{"n": ${'9'.repeat(5000)}}`)),
      ours: goodOurs,
    },
    { name: 'canary-is-directory', about: 'a directory given as a log', canary: '', ours: goodOurs, special: 'canary-is-directory' },
    { name: 'ours-missing', about: 'a log that does not exist', canary: good, ours: '', special: 'ours-missing' },
  ];
  return cases;
}

/** Write a case into dir; returns the command-line arguments (relative paths, as scripts pass them). */
export function writeCase(c: HostileCase, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  if (c.special === 'canary-is-directory') mkdirSync(join(dir, 'canary.jsonl'), { recursive: true });
  else writeFileSync(join(dir, 'canary.jsonl'), c.canary);
  if (c.special !== 'ours-missing') writeFileSync(join(dir, 'ours.jsonl'), c.ours);
  return ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl', ...(c.args ?? [])];
}
