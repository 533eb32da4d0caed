import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSessionFile, readSessionFile, SESSION_FILE_VERSION, SessionFileError, writeSessionFile, type SessionFile } from './sessionFile';

const ROOT = resolve(__dirname, '../../..');
/** Written by Lockstep at commit 9da4733 (session format 1), from the demo pair: one bookmark, a manual map, a place. */
const V1 = join(ROOT, 'tests/fixtures/session-v1.lockstep');
/** Written by Lockstep at commit bab9447 (session format 2, before alignment), from the demo pair: two bookmarks, a place. */
const V2 = join(ROOT, 'tests/fixtures/session-v2.lockstep');
/** Written by Lockstep at commit f6d1f59 (session format 3, before the similarity mapping), from the demo pair: a map by hand, a bookmark. */
const V3 = join(ROOT, 'tests/fixtures/session-v3.lockstep');
/** Written by Lockstep at commit 323f362 (session format 4, before rules), from the demo pair: canonicalization off, a bookmark beside a gap, a place. */
const V4 = join(ROOT, 'tests/fixtures/session-v4.lockstep');
const dir = mkdtempSync(join(tmpdir(), 'sessionfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('session files', () => {
  it('read a file from an older Lockstep (format 1) through the migrations', () => {
    const f = readSessionFile(V1);
    expect(f.version).toBe(SESSION_FILE_VERSION);
    // Format 1 and 2 placed bookmarks and the user on one position of both threads: that position on each side.
    expect(f.place).toEqual({ canaryTid: '6', view: 'aligned', canary: 340, ours: 340 });
    expect(f.writtenBy).toMatch(/format 1/);
    expect(f.bookmarks).toHaveLength(1);
    expect(f.bookmarks[0]).toMatchObject({
      title: 'kind flips after the wait',
      canaryPosition: 343,
      oursPosition: 343,
      atDivergence: true,
      canaryTid: '6',
      oursTid: '4',
    });
    expect(f.bookmarks[0]!.note).toContain('compare with canary line 1455');
    expect(f.tidMap).toContainEqual(['7', '2']);
    const raw = JSON.parse(readFileSync(V1, 'utf8')) as { version: number };
    expect(raw.version).toBe(1); // the fixture itself stays as the old Lockstep wrote it
  });

  it('read a file from the Lockstep before alignment (format 2): bookmarks and the place on both sides', () => {
    const f = readSessionFile(V2);
    expect(f.version).toBe(SESSION_FILE_VERSION);
    expect(f.writtenBy).toBe('Lockstep 0.1.0');
    expect(f.place).toEqual({ canaryTid: '6', view: 'aligned', canary: 350, ours: 350 });
    expect(f.bookmarks.map((b) => [b.title, b.canaryPosition, b.oursPosition, b.atDivergence])).toEqual([
      ['ours yields here', 343, 343, true],
      ['after the extra allocation', 500, 500, false],
    ]);
    expect(f.bookmarks[0]!.note).toBe('NtYieldExecution is **extra** in ours');
    expect((JSON.parse(readFileSync(V2, 'utf8')) as { version: number }).version).toBe(2);
  });

  it('read a file from the Lockstep before the similarity mapping (format 3): its pairs stay, made by hand', () => {
    const f = readSessionFile(V3);
    expect(f.version).toBe(SESSION_FILE_VERSION);
    expect(f.tidMap).toEqual([
      ['6', '4'],
      ['9', '3'],
      ['10', '1'],
      ['7', '2'],
    ]);
    expect(f.tidMapReasons).toBeNull();
    expect(f.bookmarks.map((b) => [b.title, b.note, b.atDivergence])).toEqual([['ours yields here', 'NtYieldExecution is **extra** in ours', true]]);
    expect((JSON.parse(readFileSync(V3, 'utf8')) as { version: number }).version).toBe(3);
  });

  it('keep why the similarity mapping made each pair, one reason per pair', () => {
    const base = readSessionFile(V3);
    const reason = { similarity: 0.97, confidence: 0.95, unsure: false, why: 'first call KeInitializeThread; 97% of call sequence shared; 10 events each' };
    const f: SessionFile = { ...base, tidMapReasons: [reason, null, { ...reason, unsure: true, confidence: 0.2 }, reason] };
    const path = join(dir, 'reasons.lockstep');
    writeSessionFile(path, f);
    expect(readSessionFile(path).tidMapReasons).toEqual(f.tidMapReasons);
    const bad = [
      { ...f, tidMapReasons: [reason] },
      { ...f, tidMapReasons: [reason, null, null, { ...reason, confidence: 2 }] },
      { ...f, tidMapReasons: 'similar' },
    ];
    for (const b of bad) expect(() => parseSessionFile(JSON.stringify(b), 'r.lockstep')).toThrow(/damaged session file \(session\.tidMapReasons/);
  });

  it('read a file from the Lockstep before rules (format 4): the reference rules, everything else as it was', () => {
    const f = readSessionFile(V4);
    expect(f.version).toBe(SESSION_FILE_VERSION);
    expect(f.rules).toBeNull();
    expect(f.canonicalize).toBe(false);
    expect(f.tidMap).toBeNull();
    expect(f.place).toEqual({ canaryTid: '6', view: 'aligned', canary: 349, ours: 350 });
    expect(f.bookmarks.map((b) => [b.title, b.canaryPosition, b.oursPosition, b.note])).toEqual([
      ['ours yields here', 343, 344, 'NtYieldExecution is **extra** in ours'],
    ]);
    expect((JSON.parse(readFileSync(V4, 'utf8')) as { version: number }).version).toBe(4);
  });

  it('keep the rules, and refuse a file whose rules cannot be read, naming the line', () => {
    const f: SessionFile = { ...readSessionFile(V4), rules: 'skip * payload.timeout_ms\nallocators pair\n' };
    const path = join(dir, 'rules.lockstep');
    writeSessionFile(path, f);
    expect(readSessionFile(path).rules).toBe('skip * payload.timeout_ms\nallocators pair\n');
    const bad = { ...f, rules: 'skip * payload.ok\nfrobnicate' };
    expect(() => parseSessionFile(JSON.stringify(bad), 'bad.lockstep')).toThrow(/bad\.lockstep: damaged session file \(session\.rules:2: unknown directive/);
  });

  it('write and read back the current format', () => {
    const f: SessionFile = { ...readSessionFile(V1), name: 'round trip ✓', savedAt: new Date().toISOString() };
    const path = join(dir, 'rt.lockstep');
    writeSessionFile(path, f);
    expect(readSessionFile(path)).toEqual(f);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuse what they cannot read, in one line that says why', () => {
    const cases: [string, RegExp][] = [
      ['', /corrupted or truncated/],
      [readFileSync(V1, 'utf8').slice(0, 200), /corrupted or truncated/],
      ['{"hello": 1}', /not a Lockstep session file/],
      ['{"format": "lockstep-session", "version": 99}', /written by a newer Lockstep \(session format 99/],
      ['{"format": "lockstep-session", "version": "2"}', /without a valid version/],
      [
        JSON.stringify({ ...JSON.parse(readFileSync(V1, 'utf8')), logs: { canary: { path: 'a' } } }),
        /damaged session file \(session\.logs\.canary\.fingerprint must be a string\)/,
      ],
    ];
    for (const [text, why] of cases) {
      let err: unknown;
      try {
        parseSessionFile(text, 'x.lockstep');
      } catch (e) {
        err = e;
      }
      expect(err, text.slice(0, 40)).toBeInstanceOf(SessionFileError);
      expect((err as Error).message).toMatch(/^x\.lockstep: /);
      expect((err as Error).message).toMatch(why);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('keep the old file whole when a save cannot complete', () => {
    const path = join(dir, 'keep.lockstep');
    const f = readSessionFile(V1);
    writeSessionFile(path, f);
    const before = readFileSync(path, 'utf8');
    const cyclic = { ...f, bookmarks: [] as unknown[] } as unknown as SessionFile & { self?: unknown };
    (cyclic as { self?: unknown }).self = cyclic; // JSON.stringify throws: nothing may be written
    expect(() => writeSessionFile(path, cyclic)).toThrow();
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(existsSync(join(dir, 'missing-dir'))).toBe(false);
    expect(() => writeSessionFile(join(dir, 'missing-dir', 'x.lockstep'), f)).toThrow();
  });
});
