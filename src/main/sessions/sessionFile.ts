// The portable session file (.lockstep): the two logs (paths and
// fingerprints), the thread map, the canonicalization setting and the rules,
// where the user was, and every bookmark with its note. Written atomically (temporary file,
// fsync, rename): a file is always the old one or the new one. Read with
// validation and migrations from every older version.
import { readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../store/noSpace';
import { arrayOf, bool, int, nullable, obj, oneOf, str, type Check } from '../../shared/validate';
import { pyJsonLoads } from '../py/parse';
import { pyHashKey } from '../py/value';
import type { PortableBookmark } from '../store/bookmarks';
import { parsePairReasons, type StoredPairReason } from '../store/sessions';
import { parseRules, RulesError } from '../rules/rulesFile';

const SESSION_FILE_FORMAT = 'lockstep-session';
export const SESSION_FILE_VERSION = 5;

export interface SessionFileLog {
  path: string;
  fingerprint: string;
  size: number;
}

export interface SessionFile {
  format: typeof SESSION_FILE_FORMAT;
  version: number;
  /** The Lockstep that wrote the file (since version 2). */
  writtenBy: string;
  id: string;
  name: string;
  savedAt: string;
  logs: { canary: SessionFileLog; ours: SessionFileLog };
  canonicalize: boolean;
  /** The rules as a rules file (docs/rules.md), since version 5; null: the reference's. */
  rules: string | null;
  tidMap: [string, string][] | null;
  /** Per pair of tidMap: why the similarity mapping made it, or null (by hand); null: every pair by hand (since version 4). */
  tidMapReasons: StoredPairReason[] | null;
  /**
   * Where the user was: the pair by its canary tid (exact JSON), the view, and
   * the events of the row there (since version 3; null for a gap on that side).
   */
  place: { canaryTid: string; view: 'aligned' | 'positional'; canary: number | null; ours: number | null } | null;
  bookmarks: PortableBookmark[];
}

/** A session file that cannot be read: one line saying why. */
export class SessionFileError extends Error {}

const log = obj({ path: str({ nonEmpty: true }), fingerprint: str(), size: int(0) });

/** A tid as the file keeps it: the exact JSON of a value a Python dict can key on (an int, a string, …). */
const tidJson: Check = (v, p) => {
  const e = str({ nonEmpty: true, max: 10_000 })(v, p);
  if (e) return e;
  try {
    pyHashKey(pyJsonLoads(v as string));
    return null;
  } catch {
    return `${p} is not the JSON of a tid`;
  }
};
const tidPair: Check = (v, p) => (Array.isArray(v) && v.length === 2 ? (tidJson(v[0], `${p}[0]`) ?? tidJson(v[1], `${p}[1]`)) : `${p} must be a pair of tids`);

/** Rules as a rules file: readable, so that a bad one refuses the file before anything of it is used. */
const rulesText: Check = (v, p) => {
  const e = str({ max: 1_000_000 })(v, p);
  if (e) return e;
  try {
    parseRules(v as string, p);
    return null;
  } catch (err) {
    if (err instanceof RulesError) return err.message;
    throw err;
  }
};

/** Clocks of two machines disagree a little; a time further ahead than this is not a time a file can honestly carry. */
const FUTURE_SLACK_MS = 24 * 3600 * 1000;
/** An ISO time, not in the future (a far-future updatedAt would win every later merge of the bookmark). */
const isoTime: Check = (v, p) => {
  const e = str({ nonEmpty: true, max: 100 })(v, p);
  if (e) return e;
  const t = Date.parse(v as string);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v as string) || Number.isNaN(t)) return `${p} is not an ISO time`;
  if (t > Date.now() + FUTURE_SLACK_MS) return `${p} is in the future (${v as string})`;
  return null;
};
const CHECK: Check = obj({
  format: (v, p) => (v === SESSION_FILE_FORMAT ? null : `${p} must be "${SESSION_FILE_FORMAT}"`),
  version: int(1),
  writtenBy: str({ max: 200 }),
  id: str({ nonEmpty: true, max: 200 }),
  name: str({ max: 1000 }),
  savedAt: str({ max: 100 }),
  logs: obj({ canary: log, ours: log }),
  canonicalize: bool,
  rules: nullable(rulesText),
  tidMap: nullable(arrayOf(tidPair, 100000)),
  tidMapReasons: (v, p) => (v === null || parsePairReasons(v) !== null ? null : `${p} must be null or a list of pair reasons`),
  place: nullable(obj({ canaryTid: tidJson, view: oneOf('aligned', 'positional'), canary: nullable(int(0)), ours: nullable(int(0)) })),
  bookmarks: arrayOf(
    obj({
      id: str({ nonEmpty: true, max: 200 }),
      canaryTid: tidJson,
      oursTid: tidJson,
      canaryPosition: nullable(int(0)),
      oursPosition: nullable(int(0)),
      tidEventIdx: nullable(str()),
      atDivergence: bool,
      title: str({ max: 1000 }),
      note: str({ max: 1_000_000 }),
      createdAt: isoTime,
      updatedAt: isoTime,
    }),
    100000,
  ),
});

/** The reasons, when there are some, are one per pair of the map. */
function checkReasons(f: SessionFile): string | null {
  if (f.tidMapReasons === null) return null;
  if (f.tidMap === null || f.tidMap.length !== f.tidMapReasons.length) return 'session.tidMapReasons must have one entry per pair of session.tidMap';
  return null;
}

/** Every bookmark sits on at least one event. */
function checkBookmarkPlaces(f: SessionFile): string | null {
  const i = f.bookmarks.findIndex((b) => b.canaryPosition === null && b.oursPosition === null);
  return i < 0 ? null : `session.bookmarks[${i}] sits on no event (both positions are null)`;
}

/** The tid (exact JSON) behind an internal pair key ('n6', 'snamed', 'nf1.5'), as version 1 files stored places. */
function tidJsonOfPairKey(key: string): string {
  if (key.startsWith('s')) return JSON.stringify(key.slice(1));
  const n = key.slice(1);
  if (n === 'inf') return 'Infinity';
  if (n === '-inf') return '-Infinity';
  if (n === 'nan') return 'NaN';
  return n.startsWith('f') ? n.slice(1) : n;
}

/**
 * Upgrades, one version at a time, of files written by older Locksteps:
 * MIGRATIONS[v - 1] turns version v into version v + 1. Add a step (and a
 * fixture written by that older Lockstep, tests/fixtures/) whenever
 * SESSION_FILE_VERSION moves.
 */
const MIGRATIONS: ((f: Record<string, unknown>) => Record<string, unknown>)[] = [
  // 1 -> 2: the place names its pair by the canary tid, not by Lockstep's internal key; the writer is recorded.
  (f) => {
    const place = f.place as { pairKey?: unknown; position?: unknown } | null;
    return {
      ...f,
      version: 2,
      writtenBy: 'Lockstep 0.1 (session format 1)',
      place: place && typeof place.pairKey === 'string' ? { canaryTid: tidJsonOfPairKey(place.pairKey), position: place.position } : null,
    };
  },
  // 2 -> 3: bookmarks and the place anchor to a row of the aligned view (both sides' events, each
  // possibly a gap); what version 2 saved sat on one position of both threads.
  (f) => {
    const place = f.place as { canaryTid?: unknown; position?: unknown } | null;
    const bookmarks = Array.isArray(f.bookmarks) ? (f.bookmarks as Record<string, unknown>[]) : f.bookmarks;
    return {
      ...f,
      version: 3,
      place: place && typeof place === 'object' ? { canaryTid: place.canaryTid, view: 'aligned', canary: place.position, ours: place.position } : null,
      bookmarks: Array.isArray(bookmarks)
        ? bookmarks.map((b) => {
            if (typeof b !== 'object' || b === null) return b;
            const { position, ...rest } = b;
            return { ...rest, canaryPosition: position, oursPosition: position };
          })
        : bookmarks,
    };
  },
  // 3 -> 4: a pair of the map may carry why the similarity mapping made it; what version 3 saved was made by hand.
  (f) => ({ ...f, version: 4, tidMapReasons: null }),
  // 4 -> 5: the session's rules; every session before had the reference's.
  (f) => ({ ...f, version: 5, rules: null }),
];

export function parseSessionFile(text: string, label: string): SessionFile {
  let raw: unknown;
  try {
    // A byte-order mark (editors on Windows write one) is not part of the JSON.
    raw = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (e) {
    throw new SessionFileError(`${label}: not a readable session file: corrupted or truncated (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== SESSION_FILE_FORMAT) {
    throw new SessionFileError(`${label}: not a Lockstep session file`);
  }
  let f = raw as Record<string, unknown>;
  const version = f.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new SessionFileError(`${label}: session file without a valid version`);
  }
  if (version > SESSION_FILE_VERSION) {
    throw new SessionFileError(`${label}: written by a newer Lockstep (session format ${version}; this one reads up to ${SESSION_FILE_VERSION})`);
  }
  for (let v = version; v < SESSION_FILE_VERSION; v++) f = MIGRATIONS[v - 1]!(f);
  // The whole file is checked before anything of it is used: a bad bookmark refuses the file, it is never half imported.
  const problem = CHECK(f, 'session') ?? checkReasons(f as unknown as SessionFile) ?? checkBookmarkPlaces(f as unknown as SessionFile);
  if (problem) throw new SessionFileError(`${label}: damaged session file (${problem})`);
  return f as unknown as SessionFile;
}

/** Larger than any session file a person keeps (100,000 bookmarks of long notes): refused before it is read. */
const MAX_SESSION_FILE = 512 * 1024 * 1024;

export function readSessionFile(path: string): SessionFile {
  let text: string;
  try {
    // stat first: /dev/zero or a FIFO would be read forever, or block.
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!st.isFile()) throw new SessionFileError(`${path}: not a regular file (a pipe or a device), not a session file`);
    if (st.size > MAX_SESSION_FILE) throw new SessionFileError(`${path}: ${st.size} bytes, too large to be a session file`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof SessionFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new SessionFileError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
  return parseSessionFile(text, path);
}

/** A session as a file: everything but the format's own fields, which this fills in. */
export function buildSessionFile(s: Omit<SessionFile, 'format' | 'version' | 'savedAt'>): SessionFile {
  return { format: SESSION_FILE_FORMAT, version: SESSION_FILE_VERSION, ...s, savedAt: new Date().toISOString() };
}

/** Write atomically: the old file stays whole until the new one is complete on disk. */
export function writeSessionFile(path: string, f: SessionFile): void {
  writeFileAtomic(path, JSON.stringify(f, null, 2) + '\n');
}
