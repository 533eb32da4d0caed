// Bookmarks with notes: the panel (shown or not), the editor's draft (a new
// bookmark or an edit), and the requests. The list shown is always the
// host's: a bookmark appears, changes or goes only after the host answered ok.
import type { BookmarkView, PairView, ViewMode } from '../../shared/api';
import { bookmarkPlace } from './bookmarkGroups';
import { backend } from './backend';
import { forgetDraft, keepDraft, keptDraft } from './keptDraft';
import { workbench } from './workbench.svelte';

export interface BookmarkDraft {
  /** null: a new bookmark. */
  id: string | null;
  pairKey: string | null;
  canaryTid: string;
  oursTid: string;
  /** A new bookmark: the row of the view it is made on. */
  at: { view: ViewMode; row: number } | null;
  /** Where it sits, in words ("canary 343 / ours 344"). */
  where: string;
  tidEventIdx: string | null;
  atDivergence: boolean;
  title: string;
  note: string;
}

class Bookmarks {
  panelOpen = $state(false);
  draft = $state<BookmarkDraft | null>(null);
  saving = $state(false);
  /** Why the last request failed (shown in the panel). */
  error = $state<string | null>(null);
  /** The bookmark the host has just confirmed saving: marked "saved" for a moment. */
  savedId = $state<string | null>(null);
  /** Asking "delete?" for this bookmark. */
  confirmingDelete = $state<string | null>(null);
  /** The entry to focus when the list shows (after a save, a jump). */
  focusId = $state<string | null>(null);
  /** A draft kept from an earlier page or host was put back in the editor (when it was last typed). */
  restoredAt = $state<string | null>(null);

  private savedTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    // A draft belongs to the session it was started in.
    workbench.onSessionShown(() => {
      this.draft = null;
      this.confirmingDelete = null;
      this.error = null;
      this.savedId = null;
      this.restoredAt = null;
      this.restoreKept();
    });
    // What is typed is kept until it is saved or cancelled (see keptDraft.ts).
    $effect.root(() => {
      $effect(() => {
        const d = this.draft;
        const s = workbench.session;
        if (!d || !s || JSON.stringify([d.title, d.note]) === this.draftStart) return;
        const snapshot = $state.snapshot(d);
        keepDraft(s.id, snapshot);
        if (this.draftTimer) clearTimeout(this.draftTimer);
        this.draftTimer = setTimeout(() => void backend.request('bookmark/draft', { sessionId: s.id, body: JSON.stringify(snapshot) }), 300);
      });
    });
  }

  private draftTimer: ReturnType<typeof setTimeout> | null = null;

  /** The draft was saved or cancelled: neither copy of it is kept any more. */
  private letGoOfDraft(): void {
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = null;
    forgetDraft();
    const s = workbench.session;
    if (s) void backend.request('bookmark/draft', { sessionId: s.id, body: null });
  }

  /** A note left unsaved when the host stopped (or the page closed) comes back with its session. */
  private restoreKept(): void {
    const s = workbench.session;
    const kept = s ? keptDraft<BookmarkDraft>(s.id, s.draft) : null;
    if (!s || !kept) return;
    const b = kept.draft.id === null ? null : s.bookmarks.find((x) => x.id === kept.draft.id);
    // An edit of a bookmark that has gone since comes back as a new one where it was.
    const draft = kept.draft.id !== null && !b ? { ...kept.draft, id: null } : kept.draft;
    if (draft.id === null && (!draft.at || !s.pairs.some((p) => p.key === draft.pairKey))) return;
    this.draft = draft;
    this.draftStart = b ? JSON.stringify([b.title, b.note]) : JSON.stringify(['', '']);
    this.panelOpen = true;
    this.restoredAt = kept.at;
  }

  /** The panel was just opened by the user (m, the header button): its list takes the focus when it shows. */
  private focusWhenShown = false;

  toggle(): void {
    this.panelOpen = !this.panelOpen;
    if (!this.panelOpen) this.close();
    else this.focusWhenShown = true;
  }

  /**
   * Whether the panel, as it mounts, should take the focus: only when the user
   * has just opened it. Shown again with a screen (a session reopened, back
   * from the open view), it leaves the focus where the screen puts it.
   */
  takeFocusOnShow(): boolean {
    const take = this.focusWhenShown;
    this.focusWhenShown = false;
    return take;
  }

  close(): void {
    this.panelOpen = false;
    this.draft = null;
    this.confirmingDelete = null;
    this.error = null;
  }

  /** The draft as it was started: a draft with changes is not thrown away by starting another. */
  private draftStart = '';

  private draftChanged(): boolean {
    const d = this.draft;
    return d !== null && JSON.stringify([d.title, d.note]) !== this.draftStart;
  }

  private refuseIfEditing(): boolean {
    if (!this.draftChanged()) return false;
    this.panelOpen = true;
    this.error = 'Save or cancel the bookmark being edited first.';
    return true;
  }

  /** A new bookmark at a row of a pair (b in the viewer, the summary's divergence button). */
  startNew(
    pair: PairView,
    at: { view: ViewMode; row: number },
    where: string,
    opts: { title: string; tidEventIdx: string | null; atDivergence: boolean },
  ): void {
    if (this.refuseIfEditing()) return;
    this.panelOpen = true;
    this.error = null;
    this.confirmingDelete = null;
    this.draft = {
      id: null,
      pairKey: pair.key,
      canaryTid: pair.canary.tid,
      oursTid: pair.ours.tid,
      at,
      where,
      tidEventIdx: opts.tidEventIdx,
      atDivergence: opts.atDivergence,
      title: opts.title,
      note: '',
    };
    this.draftStart = JSON.stringify([opts.title, '']);
  }

  /** A pair's first divergence, from the summary. */
  startAtDivergence(pair: PairView): void {
    const d = pair.divergence;
    if (!d) return;
    this.startNew(pair, { view: 'aligned', row: d.alignedRow }, `position ${d.position}`, {
      title: `First divergence: ${d.description}`,
      tidEventIdx: null,
      atDivergence: true,
    });
  }

  startEdit(b: BookmarkView): void {
    if (this.draft?.id === b.id) return;
    if (this.refuseIfEditing()) return;
    this.panelOpen = true;
    this.error = null;
    this.confirmingDelete = null;
    this.draft = {
      id: b.id,
      pairKey: b.pairKey,
      canaryTid: b.canaryTid,
      oursTid: b.oursTid,
      at: null,
      where: bookmarkPlace(b),
      tidEventIdx: b.tidEventIdx,
      atDivergence: b.atDivergence,
      title: b.title,
      note: b.note,
    };
    this.draftStart = JSON.stringify([b.title, b.note]);
  }

  cancelDraft(): void {
    this.focusId = this.draft?.id ?? null;
    this.draft = null;
    this.error = null;
    this.restoredAt = null;
    this.letGoOfDraft();
  }

  async save(): Promise<boolean> {
    const d = this.draft;
    const s = workbench.session;
    if (!d || !s || this.saving) return false;
    const title = d.title.trim() || (d.atDivergence ? 'Divergence' : d.where.charAt(0).toUpperCase() + d.where.slice(1));
    if (d.id === null && d.pairKey === null) return this.fail('This pair is not compared now: pair its threads again to bookmark it.');
    this.saving = true;
    this.error = null;
    let saved: BookmarkView;
    if (d.id === null) {
      const r = await backend.request('bookmark/add', {
        sessionId: s.id,
        pairKey: d.pairKey!,
        view: d.at!.view,
        row: d.at!.row,
        title,
        note: d.note,
        atDivergence: d.atDivergence,
      });
      this.saving = false;
      if (!r.ok) return this.fail(`Not saved: ${r.error.message}`);
      saved = r.value;
      this.commit([...this.current().filter((b) => b.id !== saved.id), saved]);
    } else {
      const r = await backend.request('bookmark/update', { sessionId: s.id, bookmarkId: d.id, title, note: d.note });
      this.saving = false;
      if (!r.ok) return this.fail(`Not saved: ${r.error.message}`);
      saved = r.value;
      this.commit(this.current().map((b) => (b.id === saved.id ? saved : b)));
    }
    this.draft = null;
    this.restoredAt = null;
    this.letGoOfDraft();
    this.focusId = saved.id;
    this.flashSaved(saved.id);
    return true;
  }

  askDelete(id: string): void {
    this.confirmingDelete = id;
  }

  async remove(id: string): Promise<void> {
    const s = workbench.session;
    if (!s) return;
    const r = await backend.request('bookmark/delete', { sessionId: s.id, bookmarkId: id });
    this.confirmingDelete = null;
    if (!r.ok) {
      this.fail(`Not deleted: ${r.error.message}`);
      return;
    }
    const gone = this.current().find((b) => b.id === id);
    this.commit(this.current().filter((b) => b.id !== id));
    workbench.say({ tone: 'info', text: `Bookmark “${gone?.title ?? ''}” deleted` });
  }

  /** Open the bookmark's pair at its row. */
  goTo(b: BookmarkView): void {
    if (b.pairKey === null) return;
    this.focusId = b.id;
    const viewer = workbench.viewer?.pair.key === b.pairKey ? workbench.viewer : workbench.openPair(b.pairKey);
    if (b.canaryPosition !== null) void viewer?.selectEvent('canary', b.canaryPosition);
    else if (b.oursPosition !== null) void viewer?.selectEvent('ours', b.oursPosition);
  }

  private current(): BookmarkView[] {
    return workbench.session?.bookmarks ?? [];
  }

  private commit(list: BookmarkView[]): void {
    workbench.setBookmarks(list);
  }

  private fail(message: string): false {
    this.error = message;
    return false;
  }

  private flashSaved(id: string): void {
    this.savedId = id;
    if (this.savedTimer) clearTimeout(this.savedTimer);
    this.savedTimer = setTimeout(() => (this.savedId = null), 5000);
  }
}

export const bookmarks = new Bookmarks();
