// The search index and its queries against an independent scan in python3
// (tests/search/oracleScan.ts): on generated logs of both profiles and on a
// hand-made log of what JSON allows and engines rarely write, every query's
// matches in every thread are the scan's, event for event. The queries are
// drawn from the logs' own values: names, kinds, statuses, nested fields,
// big integers, floats, strings with escapes, pieces of text and regexes.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ROOT } from '../../src/main/appRoot';
import { IndexedLog } from '../../src/main/diff/indexedLog';
import { generatePair } from '../../src/main/generator/generateLogs';
import { Rng } from '../../src/main/generator/prng';
import { ingestLog } from '../../src/main/ingest/ingestLog';
import { compileQuery } from '../../src/main/search/compiledQuery';
import { scanLeaves, TOKEN_EMPTY, TOKEN_NUMBER, TOKEN_STRING } from '../../src/main/search/lineLeaves';
import { ensureSearchIndex } from '../../src/main/search/searchIndexJob';
import { searchThread } from '../../src/main/search/threadSearch';
import { openDb, type Db } from '../../src/main/store/db';
import { parseQuery, type QueryTerm } from '../../src/shared/searchQuery';
import { pythonMatches } from './oracleScan';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Leaf {
  path: string;
  token: number;
  raw: string;
}

function leavesOf(line: string): Leaf[] {
  const out: Leaf[] = [];
  scanLeaves(line, {
    leaf: (path, _keys, _escaped, token, raw) => out.push({ path, token, raw }),
    retract: () => {},
    overflow: () => {},
  });
  return out;
}

const WORD = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** How a query names a leaf's value: bare or quoted as a user might type it. */
function valueText(rng: Rng, l: Leaf): string {
  if (l.token === TOKEN_STRING) {
    const decoded = JSON.parse(`"${l.raw}"`) as string;
    return WORD.test(decoded) && !['true', 'false', 'null'].includes(decoded) && rng.chance(0.5) ? decoded : JSON.stringify(decoded);
  }
  if (l.token === TOKEN_NUMBER) {
    if (/^-?[0-9]+$/.test(l.raw) && rng.chance(0.3)) {
      const v = BigInt(l.raw);
      return (v < 0n ? '-0x' : '0x') + (v < 0n ? -v : v).toString(16).toUpperCase();
    }
    return l.raw;
  }
  return l.raw === 'NaN' || l.raw.endsWith('Infinity') ? '1e400' : l.raw;
}

function fieldTerm(rng: Rng, l: Leaf): string {
  const path = l.path.includes('[*]') && rng.chance(0.4) ? l.path.replace('[*]', `[${rng.int(0, 2)}]`) : l.path;
  if (l.token === TOKEN_EMPTY) return `${path}!=1`;
  const op = rng.chance(0.2) ? '!=' : '=';
  if (path === 'kind' && op === '=' && rng.chance(0.5)) return `kind:${valueText(rng, l)}`;
  if (path === 'payload.name' && op === '=' && rng.chance(0.5)) return `name:${valueText(rng, l)}`;
  return `${path}${op}${valueText(rng, l)}`;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function textTerm(rng: Rng, line: string, leaves: Leaf[]): string {
  const roll = rng.float();
  if (roll < 0.45 && leaves.length) {
    // a piece of one token, maybe in another case
    const l = rng.pick(leaves);
    const raw = l.raw;
    if (raw.length === 0) return 'kernel';
    const a = rng.int(0, raw.length - 1);
    const piece = raw.slice(a, Math.min(raw.length, a + rng.int(1, 12))).trim();
    if (piece === '' || /["\s]/.test(piece[0]!) || piece.includes(' ') || piece.startsWith('/')) return 'return';
    return rng.chance(0.3) ? piece.toUpperCase() : piece;
  }
  if (roll < 0.7) {
    // a piece of the line across tokens, quoted
    const a = rng.int(0, Math.max(0, line.length - 4));
    const piece = line.slice(a, a + rng.int(3, 14));
    return piece.trim() === '' ? 'kernel' : JSON.stringify(piece);
  }
  // a regular expression, with or without literals the index can use
  const l = leaves.length ? rng.pick(leaves) : null;
  const lit = l && l.raw.length >= 3 ? l.raw.slice(0, Math.min(l.raw.length, 8)) : 'Nt';
  return rng.pick([
    `/${escapeRegex(lit)}/`,
    `/${escapeRegex(lit)}/i`,
    '/Nt(Read|Write)File/',
    '/"status": "0x0+"/',
    '/NtReadFile|NtWriteFile/',
    '/0x[0-9A-F]{8}/',
    '/[0-9]{4,}/',
    `/${escapeRegex(lit.slice(0, 2))}.*${escapeRegex(lit.slice(2))}/`,
  ]);
}

/** Queries drawn from the log's own lines. */
function queriesFor(lines: string[], seed: string, count: number): string[] {
  const rng = new Rng(seed);
  const out: string[] = ['kind:kernel.return', 'name:NtCreateFile kind:kernel.return payload.status!=0', 'payload.status=0', 'payload.return_value=0'];
  while (out.length < count) {
    const line = rng.pick(lines);
    const leaves = leavesOf(line);
    const terms: string[] = [];
    const n = rng.chance(0.3) ? 2 : 1;
    for (let k = 0; k < n; k++) terms.push(rng.chance(0.55) && leaves.length ? fieldTerm(rng, rng.pick(leaves)) : textTerm(rng, line, leaves));
    out.push(terms.join(' '));
  }
  return out;
}

function eventLines(log: string): string[] {
  return readFileSync(log, 'utf8')
    .split(/\r\n|\r|\n/)
    .slice(1)
    .filter((l) => l !== '');
}

async function indexed(db: Db, log: string, dbPath: string): Promise<IndexedLog> {
  const { log: row } = ingestLog(db, log, log);
  await ensureSearchIndex(db, dbPath, row, log, log);
  return new IndexedLog(db, row, log);
}

/** Our matches and the scan's, query by query and thread by thread. */
function compare(il: IndexedLog, log: string, queries: string[]): { checked: number } {
  const parsed = queries.map((q) => {
    const p = parseQuery(q);
    if (!p.ok) throw new Error(`a generated query does not parse: ${q}: ${p.message}`);
    return p.terms as QueryTerm[];
  });
  const expected = pythonMatches(log, parsed);
  let checked = 0;
  queries.forEach((q, k) => {
    const cq = compileQuery(q);
    il.threads.forEach((t, ti) => {
      const m = searchThread(il, t.threadNo, cq, { at: Date.now() + 1e9 });
      expect(m.complete).toBe(true);
      expect({ query: q, thread: ti, positions: Array.from(m.positions) }).toEqual({ query: q, thread: ti, positions: expected[k]![ti] });
      checked += m.positions.length;
    });
  });
  return { checked };
}

describe('search against an independent scan (python3)', () => {
  for (const profile of ['realistic', 'hostile'] as const) {
    it(`finds what the scan finds on a generated ${profile} log, for 150 queries drawn from it`, async () => {
      const canary = join(dir, `${profile}-c.jsonl`);
      generatePair(canary, join(dir, `${profile}-o.jsonl`), { seed: `search-${profile}`, eventsPerThread: 700, threads: 3, profile, divergences: 2 });
      const db = openDb(join(dir, `${profile}.sqlite`));
      const il = await indexed(db, canary, ':memory:'); // built in this thread
      const { checked } = compare(il, canary, queriesFor(eventLines(canary), profile, 150));
      expect(checked).toBeGreaterThan(1000); // the queries find things
      db.close();
    });
  }

  it('reads what JSON allows and engines rarely write the way Python does', async () => {
    const log = join(dir, 'odd.jsonl');
    const deep = (n: number): string => (n === 0 ? '"bottom"' : `{"d": ${deep(n - 1)}}`);
    const lines = [
      '{"kind": "schema_version", "schema_version": 1}',
      '{"tid": 1, "tid_event_idx": 0, "kind": "kernel.call", "payload": {"name": "A", "v": 1, "v": 2}}',
      '{"tid": 1, "tid_event_idx": 1, "kind": "kernel.return", "payload": {"name": "A", "status": "0xC0000034", "return_value": 3221225524}}',
      '{"tid": 1.0, "tid_event_idx": 2, "kind": "kernel.return", "payload": {"name": "B", "status": " 0x0 ", "big": 18446744073709551615, "f": 1.0, "t": true}}',
      '{"tid": 1, "tid_event_idx": 3, "kind": "x", "payload": {"nan": NaN, "inf": Infinity, "ninf": -Infinity, "e": 1e16, "z": -0.0, "empty": {}, "none": []}}',
      '{"tid": 2, "tid_event_idx": 0, "kind": "kernel.call", "payload": {"name": "NtCreateFile", "list": [1, [2, 3], {"k": "v", "k": "w"}], "q": "say \\"hi\\"", "u": "\\u00e9t\\u00e9"}}',
      '{"tid": 2, "tid_event_idx": 1, "kind": "kernel.return", "payload": {"a.b": 1, "sp ace": "x", "\\u006b": "escaped key", "k": "plain key", "deep": ' +
        deep(40) +
        '}}',
      '{"tid": 2, "tid_event_idx": 2, "kind": "kernel.return", "payload": {"name": "NtCreateFile", "status": "0xc0000034", "digits": "\u0661\u0662", "s": "1_000"}}',
      '{"tid": true, "tid_event_idx": 4,"kind":"compact","payload":{"x":[{"y":[]},{"y":[1]}],"name":"\u65e5\u672c"}}',
      // A repeated key: its earlier value is gone from the event, but still in the line a text looks at.
      '{"tid": 3, "tid_event_idx": 0, "kind": "x", "payload": {"w": "voidedtext", "w": 7, "o": {"p": "gone99"}, "o": 1}}',
    ];
    writeFileSync(log, lines.join('\n') + '\n');
    const db = openDb(join(dir, 'odd.sqlite'));
    const il = await indexed(db, log, ':memory:');
    const queries = [
      'payload.v=2',
      'payload.v=1',
      'payload.status=0xC0000034',
      'payload.status=3221225524',
      'payload.status="0xC0000034"',
      'payload.return_value=0xc0000034',
      'payload.status=0',
      'payload.big=18446744073709551615',
      'payload.big=0xFFFFFFFFFFFFFFFF',
      'payload.f=1',
      'payload.t=1',
      'payload.t=true',
      'payload.e=10000000000000000',
      'payload.z=0',
      'payload.nan!=1',
      'payload.inf=1e400',
      'payload.empty!=0',
      'payload.none!=0',
      'payload.list[*]=1',
      'payload.list[0]=1',
      'payload.list[1]=1',
      'payload.list[*][*]=3',
      'payload.list[*].k=w',
      'payload.list[*].k=v',
      'payload["a.b"]=1',
      'payload["sp ace"]=x',
      'payload.k="escaped key"',
      'payload.k="plain key"',
      'payload.deep.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d=bottom',
      'bottom',
      'payload.digits=12',
      'payload.s=1000',
      'payload.x[*].y[*]=1',
      'payload.x[*].y!=1',
      'payload.q="say \\"hi\\""',
      'payload.u=été',
      'u00e9',
      '\\"hi',
      '"hi"',
      'NTCREATE',
      'escaped',
      '"kind":"compact"',
      '/^\\{"tid": 2/',
      'nan',
      'infinity',
      'payload.name=日本',
      '日本',
      '\\u006b',
      'voidedtext',
      '/voidedtext/',
      '/voided[a-z]+/',
      'payload.w=voidedtext',
      'payload.w=7',
      'gone99',
      '/gone[0-9]+/',
      'payload.o.p=gone99',
    ];
    compare(il, log, queries);
    db.close();
  });

  it('answers the same from columns of every encoding, across segments of 65,536 events', async () => {
    // One thread of 68,400 events (two segments) whose fields need each encoding: a dictionary of
    // a few values (DICT8) or of thousands (DICT16), integers near a small or a huge base (INT),
    // integers too far apart and strings that never repeat (HASH); and a short second thread.
    const log = join(dir, 'encodings.jsonl');
    const rng = new Rng('encodings');
    const out = ['{"kind": "schema_version", "schema_version": 1}'];
    const statuses = ['"0x00000000"', '"0xC0000034"', '"0xc0000034"', '0', '3221225524', '"0x103"'];
    const idx = [0, 0, 0];
    for (let i = 0; i < 72_000; i++) {
      const tid = i % 20 === 0 ? 2 : 1;
      const far = rng.chance(0.5)
        ? `${rng.int(-5, 5)}${String(rng.int(0, 1e9)).padStart(9, '0')}${String(rng.int(0, 1e9)).padStart(9, '0')}`
        : String(rng.int(-1000, 1000));
      const mix = rng.chance(0.7) ? String(rng.int(0, 70_000)) : JSON.stringify(`s${rng.int(0, 70_000)}`);
      const uid = JSON.stringify(`u${i}-${rng.int(0, 1e6)}${rng.chance(0.01) ? ' 😀' : ''}`);
      // integers for a while (past a dictionary's worth), then strings: an integer column that must turn to hashes
      const late = i < 20_000 ? String(i * 7) : JSON.stringify(`late${i}`);
      out.push(
        `{"tid": ${tid}, "tid_event_idx": ${idx[tid]!++}, "kind": "${rng.pick(['kernel.call', 'kernel.return', 'handle.create'])}", "payload": ` +
          `{"seq": ${i}, "ts": ${1732700000000000000n + BigInt(i) * 37n}, "far": ${far.replace(/^(-?)0+(?=\d)/, '$1')}, "mix": ${mix}, "uid": ${uid}, "late": ${late}, ` +
          `"ids": [${uid}, "v${i}"], ` +
          `"status": ${rng.pick(statuses)}, "neg": ${-rng.int(0, 50)}, "f": ${rng.pick(['1.5', '2.0', '-0.0', '1e16', '0.1'])}}}`,
      );
    }
    writeFileSync(log, out.join('\n') + '\n');
    const db = openDb(join(dir, 'encodings.sqlite'));
    const il = await indexed(db, log, ':memory:');
    const encodings = db.prepare('SELECT DISTINCT encoding FROM search_columns ORDER BY encoding').all() as { encoding: number }[];
    expect(encodings.map((e) => e.encoding)).toEqual([0, 1, 2, 3]); // every encoding is tried
    const lines = eventLines(log);
    const queries = [
      ...queriesFor(lines, 'encodings', 24),
      'payload.ts=1732700000000003700',
      'payload.seq=65536',
      'payload.status=0xC0000034',
      '99999',
      'u77777',
    ];
    compare(il, log, queries);
    db.close();
  }, 180_000);

  it('stops reading lines when its time is up, says where, and gives exactly what it decided', async () => {
    const canary = join(dir, 'stop-c.jsonl');
    generatePair(canary, join(dir, 'stop-o.jsonl'), { seed: 'search-stop', eventsPerThread: 3000, threads: 1, profile: 'realistic', divergences: 0 });
    const db = openDb(join(dir, 'stop.sqlite'));
    const il = await indexed(db, canary, ':memory:');
    // A regex across tokens is read to be decided; a kind is decided by the index alone.
    const query = '/"name": "Nt(Read|Write)File"/ kind:kernel.return';
    const p = parseQuery(query);
    if (!p.ok) throw new Error(p.message);
    const want = pythonMatches(canary, [p.terms as QueryTerm[]])[0]![0]!;
    const cut = searchThread(il, 0, compileQuery(query), { at: Date.now() - 1 });
    expect(cut.complete).toBe(false);
    expect(cut.read).toBe(0);
    expect(Array.from(cut.positions).filter((x) => x < cut.checkedTo)).toEqual(want.filter((x) => x < cut.checkedTo));
    const whole = searchThread(il, 0, compileQuery(query), { at: Date.now() + 1e9 });
    expect(whole).toMatchObject({ complete: true, checkedTo: il.threads[0]!.eventCount });
    expect(Array.from(whole.positions)).toEqual(want);
    db.close();
  });

  const built = existsSync(join(APP_ROOT, 'out', 'main', 'searchWorker.js'));
  it.skipIf(!built)('builds the same index in a worker thread as in this thread', async () => {
    const canary = join(dir, 'w-c.jsonl');
    generatePair(canary, join(dir, 'w-o.jsonl'), { seed: 'search-worker', eventsPerThread: 1500, threads: 4, profile: 'hostile', divergences: 1 });
    const a = openDb(join(dir, 'w-thread.sqlite'));
    const b = openDb(join(dir, 'w-worker.sqlite'));
    const ia = await indexed(a, canary, ':memory:');
    const ib = await indexed(b, canary, join(dir, 'w-worker.sqlite'));
    const rows = (db: Db): unknown[] =>
      db
        .prepare(
          'SELECT thread_no, path, keys, segment, count, encoding, positions, data, dict, charset, crc FROM search_columns ORDER BY thread_no, path, keys, segment',
        )
        .all();
    const hashFree = (db: Db): unknown[] =>
      rows(db).map((r) => ({ ...(r as object), data: (r as { encoding: number }).encoding === 3 ? null : (r as { data: unknown }).data }));
    // Hashed columns are keyed by each index's own secret: everything else is the same, byte for byte.
    expect(hashFree(b)).toEqual(hashFree(a));
    compare(ib, canary, queriesFor(eventLines(canary), 'worker', 40));
    void ia;
    a.close();
    b.close();
  });
});
