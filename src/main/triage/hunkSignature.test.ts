// Signatures name what kind of divergence a hunk is, the same across runs,
// threads and positions: one engine bug in several threads and two runs of
// different seeds (other tids, other positions, other events around it) gets
// one signature; allocator values and ordinals, raw handles and long values
// are abstracted; the text is the documented shape, the id its hash.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alignPair } from '../align/alignPair';
import { sides } from '../align/pairAlignment';
import { diffLogs } from '../diff/diffLogs';
import { referenceComparison } from '../diff/comparison';
import { IndexedLog } from '../diff/indexedLog';
import { RuledLog } from '../diff/ruledLog';
import { generatePair, type Bug } from '../generator/generateLogs';
import { ingestLog } from '../ingest/ingestLog';
import { openDb } from '../store/db';
import type { HunkSignature } from './hunkSignature';
import { groupSignatures, pairSignatures } from './signatureGroups';

const dir = mkdtempSync(join(tmpdir(), 'signature-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Every pair's hunk signatures (by canary tid) for two logs. */
function signaturesOf(canary: string, ours: string, canonicalize = true, tidMapArg: string | null = null): Map<string, HunkSignature[]> {
  const db = openDb(join(dir, `index-${n++}.sqlite`));
  const cmp = referenceComparison(canonicalize);
  const c = new RuledLog(new IndexedLog(db, ingestLog(db, canary, canary).log, canary), cmp);
  const o = new RuledLog(new IndexedLog(db, ingestLog(db, ours, ours).log, ours), cmp);
  try {
    const result = diffLogs(c, o, { tidMapArg });
    const out = new Map<string, HunkSignature[]>();
    for (const p of result.pairs) {
      const s = sides(p, c, o);
      out.set(String(p.canaryTid), pairSignatures(p, c, o, alignPair(s.c, s.o)));
    }
    return out;
  } finally {
    c.close();
    o.close();
    db.close();
  }
}

/** A hand-written log: a schema line, then one line per event of thread `tid`, numbered in order. */
function writeLog(name: string, tid: number, events: { kind: string; payload: Record<string, unknown> }[]): string {
  const path = join(dir, name);
  const lines = [JSON.stringify({ kind: 'schema_version', schema_version: 1 })];
  events.forEach((e, i) => lines.push(JSON.stringify({ tid, tid_event_idx: i, kind: e.kind, payload: e.payload })));
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const call = (name: string, args: Record<string, unknown> = {}): { kind: string; payload: Record<string, unknown> } => ({
  kind: 'kernel.call',
  payload: { name, ord: 1, args_resolved: args },
});
const ret = (name: string, payload: Record<string, unknown> = {}): { kind: string; payload: Record<string, unknown> } => ({
  kind: 'kernel.return',
  payload: { name, ord: 1, return_value: 0, status: '0x0', ...payload },
});

describe('hunk signatures', () => {
  it('one engine bug has one signature in every thread, at every position, in runs of different seeds', () => {
    const bug: Bug = { id: 1, call: 'NtReadFile', field: 'status', value: '0xC0000034', threads: [0, 2, 3], every: 3 };
    const texts = new Set<string>();
    const ids = new Set<string>();
    let hunks = 0;
    const pairsWithIt = new Set<string>();
    for (const seed of ['sig-a', 'sig-b']) {
      const canary = join(dir, `${seed}-canary.jsonl`);
      const ours = join(dir, `${seed}-ours.jsonl`);
      generatePair(canary, ours, { seed, eventsPerThread: 1500, threads: 4, profile: 'realistic', divergences: 0, bugs: [bug] });
      for (const [tid, sigs] of signaturesOf(canary, ours)) {
        for (const s of sigs) {
          texts.add(s.text);
          ids.add(s.id);
          hunks++;
          pairsWithIt.add(`${seed}:${tid}`);
        }
      }
    }
    expect(hunks).toBeGreaterThan(6);
    expect(pairsWithIt.size).toBe(6); // three threads in each run
    expect([...texts]).toEqual(["replace kernel.return NtReadFile: payload.status '0x00000000' → '0xC0000034'"]);
    expect(ids.size).toBe(1);
  });

  it('the id is the first 12 hex digits of SHA-256 of the text', () => {
    const canary = writeLog('id-c.jsonl', 1, [call('NtClose'), ret('NtClose')]);
    const ours = writeLog('id-o.jsonl', 1, [call('NtClose'), ret('NtClose', { status: '0x1' })]);
    const [s] = signaturesOf(canary, ours).get('1')!;
    expect(s!.text).toBe("replace kernel.return NtClose: payload.status '0x0' → '0x1'");
    expect(s!.id).toBe(createHash('sha256').update(s!.text).digest('hex').slice(0, 12));
    expect(s!.title).toBe("payload.status of NtClose's return differs");
  });

  it('allocator values are abstracted: raw addresses and canonicalized ordinals alike', () => {
    // Ours makes one extra allocation: every later allocator return of the thread differs (ordinals drift, addresses differ).
    const alloc = (va: number): { kind: string; payload: Record<string, unknown> } => ret('RtlAllocateHeap', { return_value: va, status: '0x0' });
    const canaryEvents = [call('RtlAllocateHeap'), alloc(0xbc220000), call('NtClose'), ret('NtClose'), call('RtlAllocateHeap'), alloc(0xbc221000)];
    const oursEvents = [call('RtlAllocateHeap'), alloc(0x40105000), call('RtlAllocateHeap'), alloc(0x40106000), call('NtClose'), ret('NtClose')];
    oursEvents.push(call('RtlAllocateHeap'), alloc(0x40107000));
    const canary = writeLog('alloc-c.jsonl', 1, canaryEvents);
    const ours = writeLog('alloc-o.jsonl', 1, oursEvents);
    for (const canonicalize of [true, false]) {
      const texts = signaturesOf(canary, ours, canonicalize)
        .get('1')!
        .map((s) => s.text);
      expect(texts.length, `canonicalize ${canonicalize}`).toBeGreaterThan(0);
      for (const t of texts) expect(t).not.toMatch(/0x4010|0xbc22|3156344832|107\d{7}|_\d+>/);
      expect(texts).toContain('replace kernel.return RtlAllocateHeap: payload.return_value <alloc> → <alloc>');
    }
  });

  it('engine-local fields the reference skips are abstracted wherever they appear; long values are named by a hash', () => {
    const long = (c: string): string => c.repeat(300);
    const canary = writeLog('local-c.jsonl', 1, [
      call('NtReadFile', { raw_handle_id: 4100, path: 'a' }),
      ret('NtReadFile'),
      call('NtWriteFile', { buffer: long('a') }),
      ret('NtWriteFile'),
    ]);
    const ours = writeLog('local-o.jsonl', 1, [
      call('NtReadFile', { raw_handle_id: 0xf8000010, path: 'a' }),
      ret('NtReadFile'),
      call('NtWriteFile', { buffer: long('b') }),
      ret('NtWriteFile'),
    ]);
    const texts = signaturesOf(canary, ours)
      .get('1')!
      .map((s) => s.text);
    expect(texts[0]).toBe('replace kernel.call NtReadFile: payload.args_resolved.raw_handle_id <engine-local> → <engine-local>');
    expect(texts[1]).toMatch(/^replace kernel\.call NtWriteFile: payload\.args_resolved\.buffer 'a{23}… #[0-9a-f]{8} → 'b{23}… #[0-9a-f]{8}$/);
  });

  it('inserted and missing events are named by the kinds and names of their first events, at most four', () => {
    const base = [call('NtClose'), ret('NtClose')];
    const extra = ['A', 'B', 'C', 'D', 'E'].flatMap((x) => [call(`Nt${x}`), ret(`Nt${x}`)]);
    const canary = writeLog('ins-c.jsonl', 1, [...base, ...base]);
    const ours = writeLog('ins-o.jsonl', 1, [...base, { kind: 'import.call', payload: { name: '', ord: 412 } }, ...extra, ...base]);
    const [s] = signaturesOf(canary, ours).get('1')!;
    expect(s!.text).toBe('insert import.call #412, kernel.call NtA, kernel.return NtA, kernel.call NtB, …');
    expect(s!.title).toBe('ours has extra import.call #412, kernel.call NtA, kernel.return NtA, kernel.call NtB, …');
    const [d] = signaturesOf(ours, canary).get('1')!;
    expect(d!.text).toBe('delete import.call #412, kernel.call NtA, kernel.return NtA, kernel.call NtB, …');
  });

  it('clustering: hunks grouped by signature across pairs, most hunks first, each hunk named by pair and index', () => {
    const groups = groupSignatures([
      {
        pairKey: 'n6',
        signatures: [
          { id: 'a', text: 'x', title: '' },
          { id: 'b', text: 'y', title: '' },
          { id: 'a', text: 'x', title: '' },
        ],
      },
      { pairKey: 'n7', signatures: [{ id: 'b', text: 'y', title: '' }] },
      { pairKey: 'n8', signatures: [{ id: 'a', text: 'x', title: '' }] },
    ]);
    expect(groups.map((g) => [g.id, g.hunks.length, g.pairs])).toEqual([
      ['a', 3, 2],
      ['b', 2, 2],
    ]);
    expect(groups[0]!.hunks).toEqual([
      { pairKey: 'n6', hunk: 0 },
      { pairKey: 'n6', hunk: 2 },
      { pairKey: 'n8', hunk: 0 },
    ]);
  });
});
