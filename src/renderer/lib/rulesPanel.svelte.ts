// The Rules panel: the session's rules as a draft the user edits (add,
// remove, restore the reference's, reset), then applies. Applying asks the
// host to recompute the summary under them from the index, with progress and
// a cancel; what cannot be read comes back as one line shown in the panel.
import type { RulesData, RulesProgressEvent, SessionView } from '../../shared/api';
import { backend } from './backend';
import { workbench } from './workbench.svelte';

const OPEN_KEY = 'lockstep.rulesOpen';

function storedOpen(): boolean {
  try {
    return localStorage.getItem(OPEN_KEY) === '1';
  } catch {
    return false;
  }
}

const same = (a: RulesData, b: RulesData): boolean => JSON.stringify(normalized(a)) === JSON.stringify(normalized(b));

/** The same rules in a fixed order (what "is the draft different" compares). */
function normalized(r: RulesData): RulesData {
  const by =
    <T>(key: (x: T) => string) =>
    (a: T, b: T) =>
      key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
  const field = (x: { kind: string; path: string }): string => `${x.kind} ${x.path}`;
  return {
    skip: [...r.skip].sort(by(field)),
    allocators: [...r.allocators].sort(),
    allocatorPairing: r.allocatorPairing,
    canonicalize: [...r.canonicalize].sort(by(field)),
    ignoreKinds: [...r.ignoreKinds].sort(),
  };
}

class RulesPanel {
  open = $state(storedOpen());
  /** The rules being edited (null: none yet, the session's apply). */
  draft = $state.raw<RulesData | null>(null);
  busy = $state(false);
  progress = $state.raw<RulesProgressEvent | null>(null);
  error = $state<string | null>(null);
  /** What the last apply did, in words. */
  done = $state<string | null>(null);
  private jobId: string | null = null;
  private offProgress: (() => void) | null = null;

  constructor() {
    workbench.onSessionShown(() => {
      this.draft = null;
      this.error = null;
      this.done = null;
    });
  }

  setOpen(open: boolean): void {
    this.open = open;
    try {
      localStorage.setItem(OPEN_KEY, open ? '1' : '0');
    } catch {
      // Not remembered: fine.
    }
  }

  /** The rules shown: the draft, or the session's. */
  rules(session: SessionView): RulesData {
    return this.draft ?? session.rules.rules;
  }

  dirty(session: SessionView): boolean {
    return this.draft !== null && !same(this.draft, session.rules.rules);
  }

  private edit(session: SessionView, change: (r: RulesData) => RulesData): void {
    this.draft = change(this.rules(session));
    this.error = null;
    this.done = null;
  }

  addSkip(session: SessionView, kind: string, path: string): boolean {
    kind = kind.trim() || '*';
    path = path.trim();
    if (!path) return this.fail('Give the path of the field to skip, e.g. payload.timeout_ms');
    if (this.rules(session).skip.some((s) => s.kind === kind && s.path === path)) return this.fail(`${kind} ${path} is skipped already`);
    this.edit(session, (r) => ({ ...r, skip: [...r.skip, { kind, path }] }));
    return true;
  }

  removeSkip(session: SessionView, kind: string, path: string): void {
    this.edit(session, (r) => ({ ...r, skip: r.skip.filter((s) => !(s.kind === kind && s.path === path)) }));
  }

  addAllocator(session: SessionView, name: string): boolean {
    name = name.trim();
    if (!name) return this.fail('Give the name of an allocator function, e.g. ExAllocatePoolWithTag');
    if (this.rules(session).allocators.includes(name)) return this.fail(`${name} is an allocator already`);
    this.edit(session, (r) => ({ ...r, allocators: [...r.allocators, name] }));
    return true;
  }

  removeAllocator(session: SessionView, name: string): void {
    this.edit(session, (r) => ({ ...r, allocators: r.allocators.filter((a) => a !== name) }));
  }

  setAllocatorPairing(session: SessionView, pairing: boolean): void {
    this.edit(session, (r) => ({ ...r, allocatorPairing: pairing }));
  }

  addCanonical(session: SessionView, kind: string, path: string, pairing: boolean): boolean {
    kind = kind.trim() || '*';
    path = path.trim();
    if (!path) return this.fail('Give the path of the field to canonicalize, e.g. payload.raw_handle_id');
    this.edit(session, (r) => ({
      ...r,
      canonicalize: [...r.canonicalize.filter((c) => !(c.kind === kind && c.path === path)), { kind, path, pairing }],
    }));
    return true;
  }

  removeCanonical(session: SessionView, kind: string, path: string): void {
    this.edit(session, (r) => ({ ...r, canonicalize: r.canonicalize.filter((c) => !(c.kind === kind && c.path === path)) }));
  }

  setCanonicalPairing(session: SessionView, kind: string, path: string, pairing: boolean): void {
    this.edit(session, (r) => ({ ...r, canonicalize: r.canonicalize.map((c) => (c.kind === kind && c.path === path ? { ...c, pairing } : c)) }));
  }

  ignoreKind(session: SessionView, kind: string): boolean {
    kind = kind.trim();
    if (!kind || kind === '*') return this.fail('Give one kind to leave out, e.g. gpu.swap');
    if (this.rules(session).ignoreKinds.includes(kind)) return this.fail(`${kind} is left out already`);
    this.edit(session, (r) => ({ ...r, ignoreKinds: [...r.ignoreKinds, kind] }));
    return true;
  }

  keepKind(session: SessionView, kind: string): void {
    this.edit(session, (r) => ({ ...r, ignoreKinds: r.ignoreKinds.filter((k) => k !== kind) }));
  }

  /** Back to the reference's rules (a draft: applied with the rest). */
  resetToReference(session: SessionView): void {
    this.edit(session, () => session.rules.reference);
  }

  discard(): void {
    this.draft = null;
    this.error = null;
  }

  private fail(message: string): false {
    this.error = message;
    return false;
  }

  /** Compare under the draft: the summary and every pair's alignment recomputed from the index. */
  async apply(session: SessionView): Promise<void> {
    const draft = this.draft;
    if (!draft || this.busy || workbench.settingsBusy) return;
    const jobId = `rules-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    this.jobId = jobId;
    this.busy = true;
    workbench.settingsBusy = true;
    this.error = null;
    this.done = null;
    // No total yet (0): shown as starting until the host's first progress event.
    this.progress = { jobId, phase: 'deriving', done: 0, total: 0 };
    this.offProgress = backend.on('rules/progress', (p) => {
      if (p.jobId === jobId) this.progress = p;
    });
    const r = await backend.request('session/rules', { sessionId: session.id, jobId, rules: draft });
    this.offProgress?.();
    this.offProgress = null;
    this.jobId = null;
    this.busy = false;
    workbench.settingsBusy = false;
    this.progress = null;
    if (!r.ok) {
      this.error = r.error.code === 'cancelled' ? 'Cancelled: the rules are as they were.' : r.error.message;
      return;
    }
    const before = session.pairs.filter((p) => p.divergence).length;
    const after = r.value.pairs.filter((p) => p.divergence).length;
    this.draft = null;
    workbench.applySession(r.value);
    const d = r.value.rules.differences.length;
    this.done = `Recomputed: ${after} of ${r.value.pairs.length} pairs diverge (${before} before); ${d === 0 ? "the reference's rules" : `${d} ${d === 1 ? 'rule differs' : 'rules differ'} from the reference's`}.`;
  }

  cancel(): void {
    if (this.jobId) void backend.request('session/cancel', { jobId: this.jobId });
  }
}

export const rulesPanel = new RulesPanel();
