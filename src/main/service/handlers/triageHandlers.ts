// Triage across runs: the session's hunks grouped by signature, a group's
// hunks, the earlier runs it can be compared with, its baseline, and "mark as
// known". The work is in ../sessionTriage and ../../triage.
import { resolve } from 'node:path';
import type { GroupHunkView } from '../../../shared/api';
import { showControls } from '../../../shared/visibleControls';
import { describeHunk, hunkDetail } from '../../align/pairAlignment';
import { pyStr } from '../../py/format';
import { noSpace, writeFailureReason } from '../../store/noSpace';
import { setSessionBaseline, type StoredBaseline } from '../../store/sessions';
import { snapshot } from '../../store/signatureSnapshots';
import { BaselineError } from '../../triage/baselineFile';
import { writeKnownEntries, type KnownEntry } from '../../triage/baselineEdit';
import { notFound, RequestError, type Handlers, type WorkbenchContext } from '../context';
import type { OpenSession } from '../openSession';
import { groupViews, runViews } from '../sessionTriage';

function choose(ctx: WorkbenchContext, s: OpenSession, choice: StoredBaseline | null): void {
  s.triage.choose(choice);
  setSessionBaseline(ctx.sessionsDb, s.id, choice);
}

/** What the session's baseline knows now, to carry into a new curated file (nothing is lost by switching to it). */
function seedOf(ctx: WorkbenchContext, s: OpenSession): KnownEntry[] {
  const b = s.triage.baseline(ctx.sessionsDb)?.baseline;
  if (!b) return [];
  return b.entries.filter((e) => e.signature !== null).map((e) => ({ signature: e.signature!, text: e.text ?? '', note: e.note ?? `known in ${b.label}` }));
}

export function triageHandlers(
  ctx: WorkbenchContext,
): Handlers<'triage/groups' | 'triage/group-hunks' | 'triage/runs' | 'triage/baseline' | 'triage/mark-known'> {
  return {
    'triage/groups': ({ sessionId, from, count, only }) => {
      const s = ctx.session(sessionId);
      const all = groupViews(s, ctx.sessionsDb, only);
      const groups = s.triage.groups(s, ctx.sessionsDb);
      const cmp = s.triage.comparison(s, ctx.sessionsDb);
      return {
        total: all.length,
        groups: all.slice(from, from + count),
        counts: {
          signatures: groups.length,
          hunks: groups.reduce((n, g) => n + g.hunks.length, 0),
          new: cmp?.newHunks ?? 0,
          known: cmp?.knownHunks ?? 0,
          fixed: cmp?.fixed.length ?? 0,
        },
        baseline: s.triage.baselineView(ctx.sessionsDb),
      };
    },

    'triage/group-hunks': ({ sessionId, signatureId, from, count }) => {
      const s = ctx.session(sessionId);
      const g = s.triage.groups(s, ctx.sessionsDb).find((x) => x.id === signatureId);
      if (!g) return { total: 0, hunks: [] };
      const hunks: GroupHunkView[] = g.hunks.slice(from, from + count).map(({ pairKey, hunk }) => {
        const p = ctx.pair(s, pairKey);
        const pair = s.result.pairs.find((r) => r.canaryThread.tidKey === pairKey)!;
        const h = p.alignment.aligned.hunk(hunk);
        return {
          pairKey,
          canaryTid: showControls(pyStr(pair.canaryTid)),
          oursTid: showControls(pyStr(pair.oursTid)),
          hunk,
          row: p.alignment.aligned.hunkRow(hunk),
          op: h.op,
          description: showControls(describeHunk(hunkDetail(p.c, p.o, h, p.alignment.alignment))),
        };
      });
      return { total: g.hunks.length, hunks };
    },

    'triage/runs': ({ sessionId }) => {
      const s = ctx.session(sessionId);
      // This run is kept first (if it was not yet), so that a later run can be compared with it.
      s.triage.groups(s, ctx.sessionsDb);
      return { runs: runViews(s, ctx.sessionsDb) };
    },

    'triage/baseline': ({ sessionId, path, run }) => {
      const s = ctx.session(sessionId);
      if (path !== undefined && run !== undefined) throw new RequestError({ code: 'bad-request', message: 'give a baseline file or an earlier run, not both' });
      if (run && !snapshot(ctx.sessionsDb, run)) throw notFound('that earlier run is not kept');
      choose(ctx, s, path !== undefined ? { kind: 'file', path: resolve(path) } : run ? { kind: 'run', ...run } : null);
      return { baseline: s.triage.baselineView(ctx.sessionsDb) };
    },

    'triage/mark-known': ({ sessionId, signatureId, note, path }) => {
      const s = ctx.session(sessionId);
      const g = s.triage.groups(s, ctx.sessionsDb).find((x) => x.id === signatureId);
      if (!g) throw notFound(`no hunk of this session has the signature ${signatureId}`);
      const current = s.triage.baseline(ctx.sessionsDb);
      const curated = s.triage.choice?.kind === 'file' && current?.baseline?.kind === 'curated' ? s.triage.choice.path : null;
      const target = path !== undefined ? resolve(path) : curated;
      if (target === null) {
        throw new RequestError({
          code: 'bad-request',
          message: 'choose a baseline file to write known divergences to: this session compares with none, or with a report or an earlier run',
        });
      }
      const entry: KnownEntry = { signature: g.id, text: g.text, note };
      let written: { path: string; created: boolean };
      try {
        written = writeKnownEntries(target, [entry], target === curated ? [] : seedOf(ctx, s));
      } catch (e) {
        if (e instanceof BaselineError) throw new RequestError({ code: 'input', message: e.message, detail: { file: e.file, line: e.line } });
        const message = `cannot write ${target}: ${writeFailureReason(e)}`;
        throw new RequestError(
          noSpace(e) ? { code: 'disk-full', message: `${message}; the file was left as it was` } : { code: 'input', message, detail: { file: target } },
        );
      }
      // The file written becomes the session's baseline (it knows everything the one before knew).
      if (target !== curated) choose(ctx, s, { kind: 'file', path: target });
      else s.triage.choose(s.triage.choice);
      return { baseline: s.triage.baselineView(ctx.sessionsDb)!, path: written.path, created: written.created };
    },
  };
}
