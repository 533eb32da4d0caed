// The workbench's screens and the session they show. One object: the open
// view, an ingest in progress, the per-thread summary, and the context viewer
// of one pair. Every failure arrives as data and lands on a screen the user
// can act from; nothing here throws at the views.
import type { ApiError, AppInfo, PairView, SessionView } from '../../shared/api';
import { backend } from './backend';
import { offerDownload, reportFileName } from './download';
import { baseName } from './format';
import { IngestJob } from './ingestJob.svelte';
import { PairViewer } from './pairViewer.svelte';
import { SummarySort } from './summarySort.svelte';

export type Screen = 'starting' | 'open' | 'opening' | 'summary' | 'context';

export interface Notice {
  tone: 'info' | 'success' | 'warn';
  text: string;
}

class Workbench {
  info = $state.raw<AppInfo | null>(null);
  screen = $state<Screen>('starting');
  session = $state.raw<SessionView | null>(null);
  viewer = $state.raw<PairViewer | null>(null);
  job = $state.raw<IngestJob | null>(null);
  /** Why the last open failed: shown on the open view, which stays usable. */
  openError = $state.raw<ApiError | null>(null);
  notice = $state.raw<Notice | null>(null);
  exporting = $state(false);
  /** The open view's fields, kept across screens so a failed path can be fixed. */
  paths = $state({ canary: '', ours: '' });
  readonly sort = new SummarySort();
  /** The pair the summary should focus when shown again. */
  lastPairKey = $state<string | null>(null);

  private noticeTimer: ReturnType<typeof setTimeout> | null = null;

  readonly sortedPairs: PairView[] = $derived(this.session ? this.sort.apply(this.session.pairs) : []);

  async start(): Promise<void> {
    backend.on('shell/open-logs', ({ canaryPath, oursPath }) => void this.open(canaryPath, oursPath));
    backend.on('shell/export', ({ path }) => void this.exportReport(path));
    const r = await backend.request('app/info', {});
    if (!r.ok) {
      this.openError = r.error;
      this.screen = 'open';
      return;
    }
    this.info = r.value;
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

  async open(canaryPath: string, oursPath: string): Promise<void> {
    if (this.job) return;
    canaryPath = canaryPath.trim();
    oursPath = oursPath.trim();
    this.paths = { canary: canaryPath, ours: oursPath };
    if (!canaryPath || !oursPath) {
      this.openError = { code: 'bad-request', message: `Give both logs: ${!canaryPath ? 'the canary path is empty' : 'the ours path is empty'}.` };
      this.screen = 'open';
      return;
    }
    const job = new IngestJob(canaryPath, oursPath, `${baseName(canaryPath)} ↔ ${baseName(oursPath)}`);
    this.job = job;
    this.openError = null;
    this.clearNotice();
    this.screen = 'opening';
    const r = await backend.request('session/open', { jobId: job.id, canaryPath, oursPath });
    job.dispose();
    this.job = null;
    if (!r.ok) {
      if (r.error.code === 'cancelled') this.say({ tone: 'info', text: 'Opening cancelled: nothing of that ingest was kept.' }, 0);
      else this.openError = r.error;
      this.screen = 'open';
      void this.refreshInfo();
      return;
    }
    this.showSession(r.value);
    void this.refreshInfo();
  }

  openDemo(): void {
    const demo = this.info?.demo;
    if (demo) void this.open(demo.canaryPath, demo.oursPath);
  }

  cancelOpen(): void {
    void this.job?.cancel();
  }

  private showSession(s: SessionView): void {
    this.closeViewer();
    this.session = s;
    this.lastPairKey = null;
    const place = s.place;
    // Reopening lands where the user left, if that pair still exists.
    if (place && s.pairs.some((p) => p.key === place.pairKey)) this.openPair(place.pairKey, place.position);
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

  /** The context viewer at a position (default: the pair's divergence, or 0). */
  openPair(pairKey: string, position?: number): void {
    const s = this.session;
    const pair = s?.pairs.find((p) => p.key === pairKey);
    if (!s || !pair) return;
    this.closeViewer();
    this.lastPairKey = pairKey;
    this.viewer = new PairViewer(s, pair, position ?? pair.divergence?.position ?? 0);
    this.screen = 'context';
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

  async exportReport(path?: string): Promise<void> {
    const s = this.session;
    if (!s || this.exporting) return;
    this.exporting = true;
    const r = await backend.request('report/export', { sessionId: s.id, format: 'reference-md', ...(path ? { path } : {}) });
    this.exporting = false;
    if (!r.ok) return this.say({ tone: 'warn', text: `Export failed: ${r.error.message}` });
    if (r.value.path) return this.say({ tone: 'success', text: `Report written to ${r.value.path}` });
    offerDownload(reportFileName(s.name), r.value.text);
    this.say({ tone: 'success', text: 'Report ready: saved as a download.' });
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

export const workbench = new Workbench();
