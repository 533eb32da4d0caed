// Bookmarks with notes. Each change is written (and synced) before the answer
// goes back: what the user sees as saved is on disk.
import { randomUUID } from 'node:crypto';
import { jsonDumpsExact, pyStr } from '../../py/format';
import { deleteBookmark, getBookmark, nowIso, putBookmark, updateBookmarkText } from '../../store/bookmarks';
import { keepDraft } from '../../store/sessions';
import { notFound, type Handlers, type WorkbenchContext } from '../context';
import { bookmarkView } from '../openSession';

export function bookmarkHandlers(ctx: WorkbenchContext): Handlers<'bookmark/add' | 'bookmark/update' | 'bookmark/delete' | 'bookmark/draft'> {
  return {
    'bookmark/add': ({ sessionId, pairKey, view, row: at, title, note, atDivergence }) => {
      const s = ctx.session(sessionId);
      const { c, o, alignment } = ctx.pair(s, pairKey);
      const rows = alignment.rows(view);
      if (at >= rows.total) throw notFound(`no row ${at} in this pair (it has ${rows.total})`);
      // The row's events: both sides where both have one, else the one that does.
      const here = rows.at(at);
      const idx =
        here.canary !== null
          ? s.canary.event(c.thread.threadNo, here.canary).get('tid_event_idx')
          : s.ours.event(o.thread.threadNo, here.ours!).get('tid_event_idx');
      const now = nowIso();
      const row = {
        bookmarkId: randomUUID(),
        sessionId,
        canaryTid: jsonDumpsExact(c.thread.tid),
        oursTid: jsonDumpsExact(o.thread.tid),
        // Kept as positions in the threads, which no rule changes (a rule may leave events out of the streams).
        canaryPosition: here.canary === null ? null : s.canary.threadPos(c.thread.threadNo, here.canary),
        oursPosition: here.ours === null ? null : s.ours.threadPos(o.thread.threadNo, here.ours),
        tidEventIdx: idx === undefined ? null : pyStr(idx),
        atDivergence: atDivergence ?? false,
        title,
        note,
        createdAt: now,
        updatedAt: now,
      };
      putBookmark(ctx.sessionsDb, row);
      return bookmarkView(s, row);
    },

    'bookmark/update': ({ sessionId, bookmarkId, title, note }) => {
      const s = ctx.session(sessionId);
      const b = getBookmark(ctx.sessionsDb, bookmarkId);
      if (!b || b.sessionId !== sessionId) throw notFound(`no bookmark ${bookmarkId} in this session`);
      updateBookmarkText(ctx.sessionsDb, bookmarkId, title, note);
      return bookmarkView(s, getBookmark(ctx.sessionsDb, bookmarkId)!);
    },

    'bookmark/delete': ({ sessionId, bookmarkId }) => {
      ctx.session(sessionId);
      const b = getBookmark(ctx.sessionsDb, bookmarkId);
      if (!b || b.sessionId !== sessionId) throw notFound(`no bookmark ${bookmarkId} in this session`);
      return { deleted: deleteBookmark(ctx.sessionsDb, bookmarkId) };
    },

    'bookmark/draft': ({ sessionId, body }) => {
      ctx.session(sessionId);
      keepDraft(ctx.sessionsDb, sessionId, body);
      return { kept: body !== null };
    },
  };
}
