// The workbench's screens and the session they show. One object: the open
// view, an ingest in progress, the per-thread summary, and the context viewer
// of one pair. Every failure arrives as data and lands on a screen the user
// can act from; nothing here throws at the views.
import type { ApiError, AppInfo, BookmarkView, LogCheck, PairView, RulesProgressEvent, SessionView, ViewMode } from '../../shared/api';
import { backend } from './backend';
import { baseName, formatBytes } from './format';
import { IngestJob } from './ingestJob.svelte';
import { PairViewer } from './pairViewer.svelte';
import { SignatureTriage } from './signatures.svelte';
import { SummarySort } from './summarySort.svelte';

type Screen = 'starting' | 'open' | 'opening' | 'summary' | 'context';

interface Notice {
  tone: 'info' | 'success' | 'warn';
  text: string;
}

/** A session file whose logs moved or changed: what the open view asks the user to locate. */
export interface LocateRequest {
  path: string;
  name: string;
  logs: LogCheck[];
  /** The paths given so far (kept when the answer is "still missing"). */
  given: { canary?: string; ours?: string };
}

export class WorkbenchState {
  info = $state.raw<AppInfo | null>(null);
  screen = $state<Screen>('starting');
  session = $state.raw<SessionView | null>(null);
  viewer = $state.raw<PairViewer | null>(null);
  job = $state.raw<IngestJob | null>(null);
  /** Why the last open failed: shown on the open view, which stays usable. */
  openError = $state.raw<ApiError | null>(null);
  /** What the failed open was: a pair of logs or a session file. */
  openErrorFrom = $state<'logs' | 'session'>('logs');
  notice = $state.raw<Notice | null>(null);
  /** The open view's fields, kept across screens so a failed path can be fixed. */
  paths = $state({ canary: '', ours: '' });
  readonly sort = new SummarySort();
  /** The pair the summary should focus when shown again. */
  lastPairKey = $state<string | null>(null);
  /** The open view's session-file field. */
  sessionFilePath = $state('');
  /** Logs of a session file to locate before it can open. */
  locate = $state.raw<LocateRequest | null>(null);
  /** A request that changes the session's settings is on its way. */
  settingsBusy = $state(false);
  /** The allocator switch's recompute under way: keys derived under the session's rules, then pairs aligned (null: none, or not heard of yet). */
  switchProgress = $state.raw<RulesProgressEvent | null>(null);
  /** The browser host stopped answering (its transport says so): the page says it over everything. */
  hostGone = $state(false);
  /** A log of the open session is not what was indexed any more: nothing of it is shown until it is indexed again. */
  logChanged = $state.raw<{ file: string; message: string } | null>(null);
  /** The summary's two views of the session: its pairs, or its hunks grouped by signature. */
  summaryTab = $state<'pairs' | 'signatures'>('pairs');
  /** The session's signatures, groups and baseline (the signatures view). */
  triage = $state.raw<SignatureTriage | null>(null);

  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- callbacks, not state: nothing renders from them
  private readonly sessionListeners = new Set<() => void>();

  readonly sortedPairs: PairView[] = $derived(this.session ? this.sort.apply(this.session.pairs) : []);

  async start(): Promise<void> {
    // The shell's File menu and drops: what to open (saving and exporting: sessionFiles.listen).
    backend.on('shell/open-logs', ({ canaryPath, oursPath }) => void this.open(canaryPath, oursPath));
    backend.on('shell/open-session', ({ path }) => void this.openSessionFile(path));
    backend.on('app/sessions-closed', (e) => this.onSessionsClosed(e));
    backend.on('host/connection', ({ connected }) => (this.hostGone = !connected));
    backend.on('app/log-changed', (e) => (this.logChanged = e));
    const r = await backend.request('app/info', {});
    if (!r.ok) {
      this.openError = r.error;
      this.screen = 'open';
      return;
    }
    this.info = r.value;
    // A database the host found damaged at start: what it did, until the next action.
    if (r.value.notices.length > 0) this.say({ tone: 'warn', text: r.value.notices.join(' · ') }, 0);
    const demo = r.value.demo;
    if (demo) this.paths = { canary: demo.canaryPath, ours: demo.oursPath };
    // First start: show a real divergence at once rather than an empty form.
    if (r.value.recent.length === 0 && demo) {
      await this.open(demo.canaryPath, demo.oursPath);
      return;
    }
    const last = r.value.recent[0];
    if (last) this.paths = { canary: last.canaryPath, ours: last.oursPath };
    this.screen = 'open';
  }

  async refreshInfo(): Promise<void> {
    const r = await backend.request('app/info', {});
    if (r.ok) this.info = r.value;
  }

  /** Remove the decompressed copies of compressed logs (those of the open session stay). */
  async clearCopies(): Promise<void> {
    const r = await backend.request('cache/clear', {});
    if (!r.ok) {
      this.say({ tone: 'warn', text: r.error.message }, 0);
      return;
    }
    if (this.info) this.info = { ...this.info, copies: r.value.copies };
    const { removed, kept, freedBytes } = r.value;
    const cleared = `Cleared ${removed} decompressed ${removed === 1 ? 'copy' : 'copies'} (${formatBytes(freedBytes)})`;
    const inUse = `the open session's ${kept === 1 ? 'copy is' : `${kept} copies are`} in use: kept`;
    const text = removed === 0 ? (kept === 0 ? 'Nothing to clear.' : `Nothing cleared: ${inUse}.`) : kept === 0 ? `${cleared}.` : `${cleared}; ${inUse}.`;
    this.say({ tone: 'success', text });
  }

  async open(canaryPath: string, oursPath: string, opts: { acceptTruncated?: boolean } = {}): Promise<void> {
    if (this.job) return;
    canaryPath = canaryPath.trim();
    oursPath = oursPath.trim();
    this.paths = { canary: canaryPath, ours: oursPath };
    if (!canaryPath || !oursPath) {
      this.openError = { code: 'bad-request', message: `Give both logs: ${!canaryPath ? 'the canary path is empty' : 'the ours path is empty'}.` };
      this.openErrorFrom = 'logs';
      this.screen = 'open';
      return;
    }
    const job = new IngestJob(canaryPath, oursPath, `${baseName(canaryPath)} ↔ ${baseName(oursPath)}`);
    this.job = job;
    this.openError = null;
    this.locate = null;
    this.clearNotice();
    this.screen = 'opening';
    const r = await backend.request('session/open', { jobId: job.id, canaryPath, oursPath, ...(opts.acceptTruncated ? { acceptTruncated: true } : {}) });
    job.dispose();
    this.job = null;
    if (!r.ok) {
      if (r.error.code === 'cancelled') this.say({ tone: 'info', text: 'Opening cancelled: nothing of that ingest was kept.' }, 0);
      else {
        this.openError = r.error;
        this.openErrorFrom = 'logs';
      }
      this.screen = 'open';
      void this.refreshInfo();
      return;
    }
    this.showSession(r.value);
    void this.refreshInfo();
  }

  /**
   * The host removed its index (damaged, or a full disk): every open session
   * is gone. The open view comes back with the session's logs filled in and
   * the host's words (bookmarks and notes are in the sessions database).
   */
  private onSessionsClosed(error: ApiError): void {
    const s = this.session;
    if (s) this.paths = { canary: s.canary.path, ours: s.ours.path };
    this.closeViewer();
    this.session = null;
    for (const l of this.sessionListeners) l();
    this.openError = error;
    this.openErrorFrom = 'logs';
    this.screen = 'open';
    void this.refreshInfo();
  }

  openDemo(): void {
    const demo = this.info?.demo;
    if (demo) void this.open(demo.canaryPath, demo.oursPath);
  }

  cancelOpen(): void {
    void this.job?.cancel();
  }

  /** Open a saved .lockstep file; if a log moved or changed, the open view asks for it (see `locate`). */
  async openSessionFile(path: string, given: { canaryPath?: string; oursPath?: string } = {}): Promise<void> {
    if (this.job) return;
    path = path.trim();
    this.sessionFilePath = path;
    if (!path) {
      this.openError = { code: 'bad-request', message: 'Give the path of a .lockstep session file.' };
      this.openErrorFrom = 'session';
      this.screen = 'open';
      return;
    }
    const job = new IngestJob(given.canaryPath ?? '', given.oursPath ?? '', `session ${baseName(path)}`);
    this.job = job;
    this.openError = null;
    this.clearNotice();
    this.screen = 'opening';
    const r = await backend.request('session/open-file', { jobId: job.id, path, ...given });
    job.dispose();
    this.job = null;
    if (!r.ok) {
      if (r.error.code === 'cancelled') this.say({ tone: 'info', text: 'Opening cancelled: nothing of that ingest was kept.' }, 0);
      else {
        this.openError = r.error.detail?.file ? r.error : { ...r.error, detail: { ...r.error.detail, file: path } };
        this.openErrorFrom = 'session';
      }
      this.screen = 'open';
      return;
    }
    if (r.value.kind === 'locate') {
      this.locate = { path, name: r.value.name, logs: r.value.logs, given: { canary: given.canaryPath, ours: given.oursPath } };
      this.screen = 'open';
      return;
    }
    this.locate = null;
    this.showSession(r.value.session);
    const n = r.value.session.bookmarks.length;
    this.say({
      tone: 'success',
      text: `Opened ${baseName(path)}: ${n} ${n === 1 ? 'bookmark' : 'bookmarks'}, ${r.value.session.manualMap ? 'threads mapped by hand' : 'automatic mapping'}`,
    });
    void this.refreshInfo();
  }

  /** The located paths, and again. */
  retryLocate(paths: { canary?: string; ours?: string }): void {
    const l = this.locate;
    if (!l) return;
    const given: { canaryPath?: string; oursPath?: string } = {};
    const canary = paths.canary?.trim();
    const ours = paths.ours?.trim();
    if (canary) given.canaryPath = canary;
    if (ours) given.oursPath = ours;
    void this.openSessionFile(l.path, given);
  }

  dismissLocate(): void {
    this.locate = null;
  }

  /** Called whenever another session (or the same one, opened again) is shown: drafts and selections of the last one go. */
  onSessionShown(listener: () => void): void {
    this.sessionListeners.add(listener);
  }

  /** Open the session's logs again: a changed log is indexed again, the session (bookmarks, map, place) kept. */
  async indexAgain(): Promise<void> {
    const s = this.session;
    if (!s) return;
    await this.open(s.canary.path, s.ours.path);
  }

  showSession(s: SessionView): void {
    const previous = this.session;
    this.logChanged = null;
    this.closeViewer();
    this.session = s;
    this.triage = new SignatureTriage(s.id, (b) => this.setBaseline(b));
    if (previous?.id !== s.id) this.summaryTab = 'pairs';
    for (const l of this.sessionListeners) l();
    // The host keeps an open session's logs in memory: let go of the one this replaces.
    if (previous && previous.id !== s.id) void backend.request('session/close', { sessionId: previous.id });
    this.lastPairKey = null;
    const place = s.place;
    // Reopening lands where the user left, if that pair still exists.
    if (place && s.pairs.some((p) => p.key === place.pairKey)) this.openPair(place.pairKey, { view: place.view, row: place.row });
    else this.screen = 'summary';
  }

  showOpenView(): void {
    this.openError = null;
    this.screen = 'open';
  }

  /** Back from the open view to the session it was opened over. */
  backToSession(): void {
    if (!this.session) return;
    this.screen = this.viewer ? 'context' : 'summary';
  }

  showSummary(): void {
    if (this.viewer) this.lastPairKey = this.viewer.pair.key;
    this.closeViewer();
    this.screen = this.session ? 'summary' : 'open';
  }

  /**
   * A new view of the same session (after a remap, a setting, a bookmark):
   * the summary recomputes at once, and an open context viewer reopens on its
   * pair and row if that pair still exists.
   */
  applySession(s: SessionView): void {
    const viewer = this.viewer;
    this.session = s;
    // Another mapping or setting makes other hunks: the groups are asked for again.
    this.triage = new SignatureTriage(s.id, (b) => this.setBaseline(b));
    if (!viewer) return;
    const keep = s.pairs.some((p) => p.key === viewer.pair.key);
    if (keep) this.openPair(viewer.pair.key, { view: viewer.view, row: viewer.selected });
    else {
      this.closeViewer();
      this.screen = 'summary';
      this.say({ tone: 'warn', text: `canary ${viewer.pair.canary.tid} is no longer compared: back to the summary` });
    }
  }

  /** The signatures view, or the pairs (s). */
  showSummaryTab(tab: 'pairs' | 'signatures'): void {
    this.summaryTab = tab;
    if (this.screen !== 'summary') this.showSummary();
  }

  /** The session's baseline changed (chosen, or written by mark as known): the summary's line follows. */
  setBaseline(baseline: SessionView['baseline']): void {
    if (this.session) this.session = { ...this.session, baseline };
  }

  /** Bookmarks changed (the backend answered ok): the same session with its new list. */
  setBookmarks(bookmarks: BookmarkView[]): void {
    if (this.session) this.session = { ...this.session, bookmarks };
  }

  async setCanonicalize(on: boolean): Promise<void> {
    const s = this.session;
    if (!s || this.settingsBusy || s.canonicalize === on) return;
    this.settingsBusy = true;
    const jobId = `allocators-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const off = backend.on('rules/progress', (p) => {
      if (p.jobId === jobId) this.switchProgress = p;
    });
    const r = await backend.request('session/canonicalize', { sessionId: s.id, canonicalize: on, jobId });
    off();
    this.switchProgress = null;
    this.settingsBusy = false;
    if (!r.ok) return this.say({ tone: 'warn', text: `Could not change allocator canonicalization: ${r.error.message}` });
    this.applySession(r.value);
    this.say({ tone: 'info', text: on ? 'Allocator return values compared as per-thread ordinals (canonicalized)' : 'Allocator return values compared raw' });
  }

  /** The context viewer at a row of a view (default: the aligned view at the pair's first hunk). */
  openPair(pairKey: string, start?: { view: ViewMode; row: number }): PairViewer | null {
    const s = this.session;
    const pair = s?.pairs.find((p) => p.key === pairKey);
    if (!s || !pair) return null;
    this.closeViewer();
    this.lastPairKey = pairKey;
    this.viewer = new PairViewer(s, pair, start ?? null);
    this.screen = 'context';
    return this.viewer;
  }

  /** ] and [: the next pair (in the summary's order) that has a divergence. */
  adjacentDivergentPair(direction: 1 | -1): PairView | null {
    const pairs = this.sortedPairs;
    const here = pairs.findIndex((p) => p.key === this.viewer?.pair.key);
    for (let i = here + direction; i >= 0 && i < pairs.length; i += direction) {
      const p = pairs[i]!;
      if (p.divergence) return p;
    }
    return null;
  }

  goToAdjacentPair(direction: 1 | -1): void {
    const next = this.adjacentDivergentPair(direction);
    if (next) this.openPair(next.key);
    else this.viewer?.say(direction === 1 ? 'No later pair with a divergence' : 'No earlier pair with a divergence');
  }

  /** A short notice in the header; 0 ms keeps it until the next action. */
  say(notice: Notice, ms = 6000): void {
    this.notice = notice;
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = ms > 0 ? setTimeout(() => (this.notice = null), ms) : null;
  }

  clearNotice(): void {
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.notice = null;
  }

  private closeViewer(): void {
    this.viewer?.dispose();
    this.viewer = null;
  }
}

export const workbench = new WorkbenchState();
