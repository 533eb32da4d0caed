// Triage across runs for an open session: every hunk's signature (per pair,
// computed once per mapping and setting, in the background after the session
// opens), the groups they make, the baseline the session is compared with
// (a file, re-read when it changes on disk, or an earlier run's kept
// signatures), and the comparison. Each finished computation of a run's
// signatures is kept in sessions.sqlite, so that a later run can be compared
// with it once its logs are gone or rewritten.
import type { BaselineMark, BaselineRunView, BaselineView, SignatureGroupView } from '../../shared/api';
import { showControls } from '../../shared/visibleControls';
import { statSync } from 'node:fs';
import type { Db } from '../store/db';
import { sessionBaseline, type StoredBaseline } from '../store/sessions';
import { putSnapshot, runsOfTitle, snapshot } from '../store/signatureSnapshots';
import { compareWithBaseline, type BaselineComparison } from '../triage/baselineCompare';
import { BaselineError, readBaseline, type Baseline, type BaselineEntry } from '../triage/baselineFile';
import { SIGNATURE_SCHEME, type HunkSignature } from '../triage/hunkSignature';
import { groupSignatures, pairSignatures, type SignatureGroup } from '../triage/signatureGroups';
import type { DiffResult } from '../diff/diffLogs';
import type { RuledLog } from '../diff/ruledLog';
import type { Alignment } from '../align/alignThreads';

/** What of an open session triage reads (openSession.ts's OpenSession has it all). */
interface OpenSession {
  id: string;
  name: string;
  canary: RuledLog;
  ours: RuledLog;
  result: DiffResult;
  alignments: ReadonlyMap<string, { alignment: Alignment }>;
  triage: SessionTriage;
}

/** A session's triage state; reset (but for the baseline) whenever its diff is computed again. */
export class SessionTriage {
  /** Each pair's hunk signatures, by pair key, as far as computed. */
  readonly signatures = new Map<string, HunkSignature[]>();
  private groupsCache: SignatureGroup[] | null = null;
  private comparisonCache: { of: Baseline; comparison: BaselineComparison } | null = null;
  /** The baseline file as last read, with the file's identity then (re-read when it changes). */
  private loaded: { stamp: string; baseline: Baseline | null; error: string | null } | null = null;
  /** Bumped by every reset: background work of an older generation stops. */
  private generation = 0;
  private background: { session: OpenSession; sessionsDb: Db; isOpen: () => boolean } | null = null;

  constructor(public choice: StoredBaseline | null) {}

  /** From now on every reset signs the session again in the background (see signInBackground). */
  attach(session: OpenSession, sessionsDb: Db, isOpen: () => boolean): void {
    this.background = { session, sessionsDb, isOpen };
    this.signInBackground();
  }

  reset(): void {
    this.signatures.clear();
    this.groupsCache = null;
    this.comparisonCache = null;
    this.generation++;
    this.signInBackground();
  }

  /**
   * Stop signing in the background while the session is recomputed (what it
   * would sign is about to be replaced; the recompute's own steps should not
   * wait behind it). What was signed stays, for the requests answered
   * meanwhile; `resume` carries on if the recompute does not take.
   */
  suspend(): void {
    this.generation++;
  }

  resume(): void {
    this.generation++;
    this.signInBackground();
  }

  choose(choice: StoredBaseline | null): void {
    this.choice = choice;
    this.loaded = null;
    this.comparisonCache = null;
  }

  /** The signatures of one pair's hunks, in order. */
  ofPair(s: OpenSession, pairKey: string): HunkSignature[] {
    let sigs = this.signatures.get(pairKey);
    if (!sigs) {
      const p = s.result.pairs.find((r) => r.canaryThread.tidKey === pairKey);
      const a = s.alignments.get(pairKey);
      sigs = p && a ? pairSignatures(p, s.canary, s.ours, a.alignment) : [];
      this.signatures.set(pairKey, sigs);
    }
    return sigs;
  }

  /** Every hunk of the session grouped by signature; the run's signatures kept for later comparisons. */
  groups(s: OpenSession, sessionsDb: Db): SignatureGroup[] {
    if (!this.groupsCache) {
      const pairs = s.result.pairs.map((p) => ({ pairKey: p.canaryThread.tidKey, signatures: this.ofPair(s, p.canaryThread.tidKey) }));
      this.groupsCache = groupSignatures(pairs);
      keepRun(s, sessionsDb, this.groupsCache);
    }
    return this.groupsCache;
  }

  /**
   * Sign the session's pairs one at a time between requests (the host keeps
   * answering), so that its groups are ready and its run kept by the time
   * anyone asks. Stops when the session is recomputed or closed.
   */
  private signInBackground(): void {
    if (!this.background) return;
    const { session: s, sessionsDb, isOpen } = this.background;
    const generation = this.generation;
    const keys = s.result.pairs.map((p) => p.canaryThread.tidKey);
    const step = (k: number): void => {
      if (generation !== this.generation || !isOpen()) return;
      try {
        if (k < keys.length) {
          this.ofPair(s, keys[k]!);
          setImmediate(() => step(k + 1));
        } else this.groups(s, sessionsDb);
      } catch {
        // A log that changed, a database closed under it: the next request meets it and says so.
      }
    };
    setImmediate(() => step(0));
  }

  /** The baseline as it is on disk now (re-read when its file changed), or why it cannot be used. */
  baseline(sessionsDb: Db): { baseline: Baseline | null; error: string | null } | null {
    const c = this.choice;
    if (!c) return null;
    const stamp = c.kind === 'file' ? fileStamp(c.path) : `run:${c.sessionId}:${c.canaryFingerprint}:${c.oursFingerprint}`;
    if (this.loaded?.stamp === stamp) return this.loaded;
    let loaded: { baseline: Baseline | null; error: string | null };
    try {
      loaded = { baseline: c.kind === 'file' ? readBaseline(c.path) : runBaseline(sessionsDb, c), error: null };
    } catch (e) {
      if (!(e instanceof BaselineError)) throw e;
      loaded = { baseline: null, error: e.message };
    }
    this.loaded = { stamp, ...loaded };
    return this.loaded;
  }

  /** The session's signatures against its baseline (null: none, or it cannot be read now). */
  comparison(s: OpenSession, sessionsDb: Db): BaselineComparison | null {
    const b = this.baseline(sessionsDb)?.baseline;
    if (!b) return null;
    if (this.comparisonCache?.of !== b) {
      const counts = this.groups(s, sessionsDb).map((g) => ({ id: g.id, text: g.text, hunks: g.hunks.length }));
      this.comparisonCache = { of: b, comparison: compareWithBaseline(b, counts) };
    }
    return this.comparisonCache.comparison;
  }

  /** The baseline as the contract shows it. */
  baselineView(sessionsDb: Db): BaselineView | null {
    const c = this.choice;
    const l = this.baseline(sessionsDb);
    if (!c || !l) return null;
    const b = l.baseline;
    return {
      kind: b?.kind ?? (c.kind === 'run' ? 'run' : 'curated'),
      path: c.kind === 'file' ? c.path : null,
      label: showControls(b?.label ?? (c.kind === 'file' ? c.path : 'an earlier run')),
      entries: b?.entries.length ?? 0,
      error: l.error === null ? null : showControls(l.error),
    };
  }
}

/** A file's identity now: a rewrite (an editor, a git pull) changes it. */
function fileStamp(path: string): string {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    return 'missing';
  }
}

function keepRun(s: OpenSession, sessionsDb: Db, groups: SignatureGroup[]): void {
  putSnapshot(
    sessionsDb,
    {
      sessionId: s.id,
      canaryFingerprint: s.canary.log.fingerprint,
      oursFingerprint: s.ours.log.fingerprint,
      canaryPath: s.canary.path,
      oursPath: s.ours.path,
      scheme: SIGNATURE_SCHEME,
    },
    groups.map((g) => ({ id: g.id, text: g.text, hunks: g.hunks.length })),
  );
}

/** How an earlier run is named: its title and when its signatures were taken. */
function runLabel(r: { name: string; takenAt: string }): string {
  return `${r.name}, run of ${r.takenAt.slice(0, 16).replace('T', ' ')} UTC`;
}

/** An earlier run's kept signatures as a baseline: each known, noted as seen then. */
function runBaseline(sessionsDb: Db, c: Extract<StoredBaseline, { kind: 'run' }>): Baseline {
  const kept = snapshot(sessionsDb, c);
  if (!kept) throw new BaselineError('the earlier run', null, 'its signatures are no longer kept (its session was deleted)');
  const label = runLabel(kept.row);
  if (kept.row.scheme !== SIGNATURE_SCHEME)
    throw new BaselineError(label, null, `its signatures are of scheme ${kept.row.scheme}: open that run again to compare with it`);
  return {
    kind: 'run',
    path: null,
    label,
    entries: kept.signatures.map((sig) => ({ signature: sig.id, pattern: null, text: sig.text, note: `seen in ${label}`, line: 0 })),
  };
}

export function runViews(s: OpenSession, sessionsDb: Db): BaselineRunView[] {
  return runsOfTitle(sessionsDb, s.name, { sessionId: s.id, canaryFingerprint: s.canary.log.fingerprint, oursFingerprint: s.ours.log.fingerprint }).map(
    (r) => ({
      sessionId: r.sessionId,
      name: showControls(r.name),
      canaryFingerprint: r.canaryFingerprint,
      oursFingerprint: r.oursFingerprint,
      canaryPath: r.canaryPath,
      oursPath: r.oursPath,
      takenAt: r.takenAt,
      signatures: r.signatures,
      hunks: r.hunks,
    }),
  );
}

/** A fixed entry's id in the groups: its signature, or its pattern's line. */
function fixedId(e: BaselineEntry): string {
  return e.signature ?? `pattern:${e.line}`;
}

/** Every group of the session with its mark, then the fixed entries; `only` keeps one mark. */
export function groupViews(s: OpenSession, sessionsDb: Db, only: BaselineMark | undefined): SignatureGroupView[] {
  const t = s.triage;
  const cmp = t.comparison(s, sessionsDb);
  const out: SignatureGroupView[] = [];
  for (const g of t.groups(s, sessionsDb)) {
    const entry = cmp ? cmp.known.get(g.id) : undefined;
    const mark: BaselineMark | null = cmp ? (entry ? 'known' : 'new') : null;
    if (only && mark !== only) continue;
    out.push({
      id: g.id,
      text: showControls(g.text),
      title: showControls(g.title),
      hunks: g.hunks.length,
      pairs: g.pairs,
      baseline: mark,
      note: entry?.note ?? null,
    });
  }
  if (cmp && (!only || only === 'fixed')) {
    for (const e of cmp.fixed) {
      const text = e.text ?? e.pattern ?? e.signature!;
      out.push({ id: fixedId(e), text: showControls(text), title: showControls(text), hunks: 0, pairs: 0, baseline: 'fixed', note: e.note });
    }
  }
  return out;
}

/** The session's baseline choice as stored (restored when a session opens). */
export function storedChoice(sessionsDb: Db, sessionId: string): StoredBaseline | null {
  return sessionBaseline(sessionsDb, sessionId);
}
