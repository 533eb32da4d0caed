// The signatures view's state for one session: the hunks of every pair
// grouped by signature (loaded a page at a time), the baseline the session is
// compared with and the counts against it, the "only new" filter, the hunks
// of the group that is open, the earlier runs to compare with, and "mark as
// known". Every failure is a line to show, never a throw at the view.
import type { BaselineMark, BaselineRunView, BaselineView, GroupHunkView, SignatureGroupView, SignatureGroupsPage } from '../../shared/api';
import { backend } from './backend';

const PAGE = 100;
const HUNK_PAGE = 50;

export class SignatureTriage {
  groups = $state.raw<SignatureGroupView[]>([]);
  total = $state(0);
  counts = $state.raw<SignatureGroupsPage['counts'] | null>(null);
  baseline = $state.raw<BaselineView | null>(null);
  /** Show only the groups with this mark (the filter: only what is new). */
  only = $state<BaselineMark | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** The group whose hunks are listed, and those loaded so far. */
  open = $state<string | null>(null);
  hunks = $state.raw<GroupHunkView[]>([]);
  hunkTotal = $state(0);
  /** The selected group (keyboard). */
  selected = $state(0);
  runs = $state.raw<BaselineRunView[]>([]);
  /** A short line about the last action ("Marked as known in …"). */
  message = $state<string | null>(null);

  private seq = 0;

  constructor(
    readonly sessionId: string,
    /** Told whenever the baseline changes (the session view keeps it too). */
    private readonly onBaseline: (b: BaselineView | null) => void = () => {},
  ) {}

  /** The first page again (after a filter or a baseline change), or the next one. */
  async load(more = false): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    const from = more ? this.groups.length : 0;
    const r = await backend.request('triage/groups', { sessionId: this.sessionId, from, count: PAGE, ...(this.only ? { only: this.only } : {}) });
    if (seq !== this.seq) return;
    this.loading = false;
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    this.error = null;
    this.groups = more ? [...this.groups, ...r.value.groups] : r.value.groups;
    this.total = r.value.total;
    this.counts = r.value.counts;
    this.baseline = r.value.baseline;
    if (!more) this.selected = Math.min(this.selected, Math.max(0, this.groups.length - 1));
  }

  async setOnly(mark: BaselineMark | null): Promise<void> {
    if (this.only === mark) return;
    this.only = mark;
    this.selected = 0;
    this.closeHunks();
    await this.load();
  }

  select(index: number): void {
    this.selected = Math.max(0, Math.min(this.groups.length - 1, index));
    if (this.selected >= this.groups.length - 10 && this.groups.length < this.total && !this.loading) void this.load(true);
  }

  /** List a group's hunks (or close the list when it is open). */
  async toggleHunks(id: string): Promise<void> {
    if (this.open === id) return this.closeHunks();
    this.open = id;
    this.hunks = [];
    this.hunkTotal = 0;
    await this.moreHunks();
  }

  async moreHunks(): Promise<void> {
    const id = this.open;
    if (id === null) return;
    const r = await backend.request('triage/group-hunks', { sessionId: this.sessionId, signatureId: id, from: this.hunks.length, count: HUNK_PAGE });
    if (this.open !== id) return;
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    this.hunks = [...this.hunks, ...r.value.hunks];
    this.hunkTotal = r.value.total;
  }

  closeHunks(): void {
    this.open = null;
    this.hunks = [];
    this.hunkTotal = 0;
  }

  async loadRuns(): Promise<void> {
    const r = await backend.request('triage/runs', { sessionId: this.sessionId });
    if (r.ok) this.runs = r.value.runs;
  }

  /** Compare with a file (a curated list or a JSON report), an earlier run, or nothing. */
  async compareWith(choice: { path: string } | { run: BaselineRunView } | null): Promise<boolean> {
    const arg =
      choice === null
        ? { sessionId: this.sessionId }
        : 'path' in choice
          ? { sessionId: this.sessionId, path: choice.path }
          : {
              sessionId: this.sessionId,
              run: { sessionId: choice.run.sessionId, canaryFingerprint: choice.run.canaryFingerprint, oursFingerprint: choice.run.oursFingerprint },
            };
    const r = await backend.request('triage/baseline', arg);
    if (!r.ok) {
      this.error = r.error.message;
      return false;
    }
    this.baseline = r.value.baseline;
    this.onBaseline(r.value.baseline);
    this.message = r.value.baseline ? (r.value.baseline.error ?? `Compared with ${r.value.baseline.label}`) : 'No baseline: nothing is marked';
    if (!r.value.baseline && this.only) this.only = null;
    await this.load();
    return true;
  }

  /**
   * Mark a signature as known with a note; `path` when the baseline is not a
   * curated file (a new one is made there, holding what the baseline knew).
   * Returns the error's words, or null when it was written.
   */
  async markKnown(id: string, note: string, path?: string): Promise<string | null> {
    const r = await backend.request('triage/mark-known', { sessionId: this.sessionId, signatureId: id, note, ...(path ? { path } : {}) });
    if (!r.ok) return r.error.message;
    this.baseline = r.value.baseline;
    this.onBaseline(r.value.baseline);
    this.message = `${r.value.created ? 'Started' : 'Marked as known in'} ${r.value.path}`;
    await this.load();
    return null;
  }
}

/** Where a new baseline file is proposed: beside ours' log. */
export function proposedBaselinePath(oursPath: string): string {
  const slash = Math.max(oursPath.lastIndexOf('/'), oursPath.lastIndexOf('\\'));
  return `${slash >= 0 ? oursPath.slice(0, slash + 1) : ''}lockstep-known.json`;
}
