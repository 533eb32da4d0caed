// The one contract between the workbench UI and Lockstep's core: every
// request (name, argument, result) and every pushed event. The main process
// implements it once (src/main/service); transports (Electron IPC, the
// HTTP/WebSocket host of `lockstep serve`) only carry it. Errors cross as
// data, never as thrown objects.
import type { REPORT_FORMATS, RequestArgs, RULES_DATA, SIDES, VIEW_MODES } from './requestSchemas';
import type { Infer } from './validate';

export type Side = (typeof SIDES)[number];

/** @public */
export type ErrorCode =
  | 'bad-request' // the request does not match its schema
  | 'not-found' // no such session, pair, bookmark, file
  | 'input' // a log (or session file) is invalid: message names file and line
  | 'cancelled'
  | 'no-mapping' // no pair of threads to compare
  | 'conflict'
  | 'damaged' // a database in the data directory was damaged: the message says what was done
  | 'disk-full' // no room to write (a full disk, a quota, a file-size limit): the message names where
  | 'internal';

export interface ApiError {
  code: ErrorCode;
  message: string;
  detail?: { file?: string; line?: number | null; [k: string]: unknown };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

// --- views ------------------------------------------------------------------

export interface LogView {
  side: Side;
  path: string;
  /** Of the file (compressed, for a compressed log). */
  size: number;
  /** A compressed log: how, and its size decompressed. */
  compression?: { format: 'gzip' | 'zstd'; contentSize: number };
  events: number;
  threads: number;
  fingerprint: string;
}

export interface ThreadView {
  side: Side;
  threadNo: number;
  /** The tid as the reference prints it. */
  tid: string;
  /** Python dict identity of the tid ("n6", "s6"): stable key for mappings. */
  tidKey: string;
  eventCount: number;
  /** payload.name of the thread's first kernel.call, as printed (null: none). */
  firstCallName: string | null;
}

export interface DivergenceView {
  position: number;
  /** The row of canary's event there in the aligned view. */
  alignedRow: number;
  /** The reference's one-line description. */
  description: string;
  field: 'kind' | 'tid_event_idx' | 'payload';
  key?: string;
}

/** A pair's alignment: its streams split into equal runs and hunks (two events are equal when the reference's compare_event finds them equal, tid_event_idx aside). */
export interface AlignmentView {
  /** Realigned to both ends; false: the alignment gave up at stoppedAt. */
  aligned: boolean;
  stoppedAt: { canary: number; ours: number } | null;
  counts: { insert: number; delete: number; replace: number };
  /** Events in hunks (a replace counts both of its sides). */
  cost: number;
  /** Equal from here to both ends, after the last hunk; null when not (or no hunk). */
  backInStep: { canary: number; ours: number } | null;
  /** Rows of the aligned view. */
  rows: number;
  hunks: number;
  /** The first hunk's first row in the aligned view (null: no hunk). */
  firstHunkRow: number | null;
}

/** Why the similarity mapping made a pair, and how sure it is (all shares in [0, 1]). */
export interface PairExplanation {
  /** How alike the two threads' whole streams are. */
  similarity: number;
  /** The similarity, lowered when another thread fits nearly as well. */
  confidence: number;
  /** Confidence below 70%: another thread fits nearly as well, or the streams share little: check this pair. */
  unsure: boolean;
  /** One line, e.g. "first call KeInitializeThread; 97% of call sequence shared; 1204 / 1198 events". */
  reason: string;
}

export interface PairView {
  /** The canary thread's tidKey: names the pair in requests. */
  key: string;
  canary: ThreadView;
  ours: ThreadView;
  mappedBy: 'first-call' | 'manual' | 'similarity';
  /** For mappedBy 'first-call': the shared first kernel.call name. */
  firstCallName: string | null;
  /** For mappedBy 'similarity': why and how sure. */
  explanation: PairExplanation | null;
  matched: number;
  canaryTotal: number;
  oursTotal: number;
  /** The reference's first divergence (position by position). */
  divergence: DivergenceView | null;
  alignment: AlignmentView;
}

export interface BookmarkView {
  id: string;
  /** The pair it belongs to (canary tidKey); null when that canary thread is no longer mapped. */
  pairKey: string | null;
  canaryTid: string;
  oursTid: string;
  /** The bookmarked row's events: null for the side with a gap there. */
  canaryPosition: number | null;
  oursPosition: number | null;
  tidEventIdx: string | null;
  atDivergence: boolean;
  title: string;
  /** Markdown. */
  note: string;
  createdAt: string;
  updatedAt: string;
}

/** A rule set as the workbench edits it and sends it back (paths as the rules file writes them). */
export type RulesData = Infer<typeof RULES_DATA>;

/** The session's rules (docs/rules.md): what they are, which are the reference's own, how they differ from it. */
export interface RulesView {
  /** The rules now in force. */
  rules: RulesData;
  /** The reference's rules (SKIP_PAYLOAD_FIELDS_BY_KIND, ALLOCATOR_RETURN_FNS), to mark what is theirs and to reset to. */
  reference: RulesData;
  /** Stable name of the rule set (what reports print and results are kept under). */
  fingerprint: string;
  /** How they differ from the reference's, as rules-file directives (empty: the reference's). */
  differences: string[];
  /** The rules as a rules file, for lockstep diff --rules. */
  text: string;
  /** Kinds the two logs hold (strings only), to choose from. */
  kinds: string[];
}

export interface SessionView {
  id: string;
  name: string;
  canary: LogView;
  ours: LogView;
  canonicalize: boolean;
  rules: RulesView;
  manualMap: boolean;
  /** The last change to the mapping that map/undo would undo, in words (null: nothing to undo). */
  mapUndo: string | null;
  pairs: PairView[];
  unmappedCanary: ThreadView[];
  unmappedOurs: ThreadView[];
  /** The reference's warn: lines (a mapped tid absent from its log). */
  warnings: string[];
  /** Where the user was: the pair, the view, and the row in it. */
  place: { pairKey: string; view: ViewMode; row: number } | null;
  bookmarks: BookmarkView[];
  /** The same mapping as `lockstep diff --tid-map` takes it (null when a tid is not an integer). */
  tidMapArg: string | null;
  /** A bookmark being written when the session was last shown, not saved (the page's draft as JSON; when last typed). */
  draft: { body: string; at: string } | null;
  /** What the session is compared with (its chosen baseline), or null. */
  baseline: BaselineView | null;
}

// --- triage across runs (docs/baseline.md) ------------------------------------

/** How a signature stands against the baseline: new (not in it), known (in it), fixed (in it, and no hunk has it now). */
export type BaselineMark = 'new' | 'known' | 'fixed';

/** The baseline a session is compared with. */
export interface BaselineView {
  /** curated: a list of known divergences (mark as known writes there); report: an earlier run's JSON report; run: an earlier session's run. */
  kind: 'curated' | 'report' | 'run';
  /** The file, or null for an earlier run. */
  path: string | null;
  /** How to name it: the file's path, or the earlier run's title and time. */
  label: string;
  /** Entries (signatures and patterns) it knows. */
  entries: number;
  /** Why it cannot be used now (the file is gone, or no longer a baseline): one line naming file and line. Nothing is marked meanwhile. */
  error: string | null;
}

/** One kind of divergence across the whole session: every hunk with this signature. */
export interface SignatureGroupView {
  /** The signature's id (12 hex digits); for a fixed pattern entry, `pattern:` and its line. */
  id: string;
  /** The signature (`replace kernel.return NtReadFile: payload.status '0x00000000' → '0xC0000034'`), or a fixed entry's pattern. */
  text: string;
  /** In a sentence: "payload.status of NtReadFile's return differs". */
  title: string;
  hunks: number;
  /** Pairs (threads) it appears in. */
  pairs: number;
  /** Against the baseline; null without one. */
  baseline: BaselineMark | null;
  /** The baseline entry's note (why it is harmless), for known and fixed. */
  note: string | null;
}

export interface SignatureGroupsPage {
  /** Groups in this filter. */
  total: number;
  groups: SignatureGroupView[];
  /** The whole session: signatures, hunks, and against the baseline hunks new and known and entries fixed. */
  counts: { signatures: number; hunks: number; new: number; known: number; fixed: number };
  baseline: BaselineView | null;
}

/** A hunk of a group: its pair and where it is (a click opens the pair there). */
export interface GroupHunkView {
  pairKey: string;
  canaryTid: string;
  oursTid: string;
  /** Its index in the pair's hunks, its first row in the aligned view. */
  hunk: number;
  row: number;
  op: 'insert' | 'delete' | 'replace';
  description: string;
}

/** An earlier run kept for comparison: a session of the same title (or this one, before its logs changed). */
export interface BaselineRunView {
  sessionId: string;
  name: string;
  canaryFingerprint: string;
  oursFingerprint: string;
  canaryPath: string;
  oursPath: string;
  /** When its signatures were taken. */
  takenAt: string;
  signatures: number;
  hunks: number;
}

/** One log of a session file, as found on this machine. */
export interface LogCheck {
  side: Side;
  path: string;
  state: 'ok' | 'missing' | 'changed';
  /** What the session recorded. */
  expected: { fingerprint: string; size: number };
}

export type SessionFileOpened =
  | { kind: 'opened'; session: SessionView }
  /** A log has moved or changed: locate it (or accept the changed one) and open again with its path. */
  | { kind: 'locate'; name: string; logs: LogCheck[] };

/** The context viewer's two ways to line up a pair: by the alignment, or position by position as the reference does. */
export type ViewMode = (typeof VIEW_MODES)[number];

/** An event as a row of the list shows it: lean and bounded (the summary is elided past a few hundred characters). */
export interface EventLine {
  position: number;
  /** 1-based line in the log. */
  line: number;
  tidEventIdx: string;
  kind: string;
  /** The reference's render_event line. */
  summary: string;
}

/** @public */
export type RowStatus = 'same' | 'differs' | 'only-canary' | 'only-ours';

export interface RowView {
  row: number;
  canary: EventLine | null;
  ours: EventLine | null;
  status: RowStatus;
  /** The hunk the row lies in (aligned view), or -1. */
  hunk: number;
  /** Where the two events differ (status 'differs'), the reference's wording. */
  difference?: { field: 'kind' | 'tid_event_idx' | 'payload' | 'error'; key?: string; description: string };
}

export interface FieldView {
  key: string;
  /** The value as JSON text (exact: big integers and floats as written by Python); elided when long. */
  value: string;
  /** The value was cut (its whole text has `bytes` characters). */
  truncated?: boolean;
  bytes?: number;
}

/** One event in full for the detail pane: its fields and JSON, bounded unless asked for whole. */
export interface EventDetail extends EventLine {
  /** Payload fields in the log's order; null when the payload is absent or not an object. */
  payload: FieldView[] | null;
  /** The whole event, pretty JSON, as read from the log (cut to a bound unless `full` was asked). */
  json: string;
  /** Bytes of the event's line in the log. */
  bytes: number;
  truncated: boolean;
}

/** How two events differ: the reference's line, and the first differing leaf inside the field. */
export interface DifferenceView {
  field: 'kind' | 'tid_event_idx' | 'payload' | 'error';
  key?: string;
  description: string;
  /** `payload.args_resolved.a1`, `payload.blob[299]`. */
  path: string;
  /** The two leaf values as Python's repr (null: absent on that side), elided when long. */
  canary: string | null;
  ours: string | null;
}

export interface RowDetailView {
  row: number;
  status: RowStatus;
  hunk: number;
  canary: EventDetail | null;
  ours: EventDetail | null;
  difference: DifferenceView | null;
}

export interface HunkView {
  index: number;
  op: 'insert' | 'delete' | 'replace';
  /** Its first row in the aligned view, and how many rows it spans. */
  row: number;
  rows: number;
  canary: [number, number];
  ours: [number, number];
  /** One line: what and where (and for a replace, how it first differs). */
  description: string;
  /** Its signature (see SignatureGroupView). */
  signature: { id: string; text: string; title: string };
  /** Against the session's baseline: new or known; null without one. */
  baseline: 'new' | 'known' | null;
}

/** A mark on the overview ruler: a stretch of rows and what is there. */
export interface OverviewMark {
  row: number;
  rows: number;
  op: 'insert' | 'delete' | 'replace' | 'divergence';
}

export interface RecentEntry {
  sessionId: string;
  name: string;
  canaryPath: string;
  oursPath: string;
  openedAt: string;
}

export interface AppInfo {
  version: string;
  host: 'electron' | 'browser';
  demo: { canaryPath: string; oursPath: string } | null;
  recent: RecentEntry[];
  /** What the host did at start about the data directory (a damaged database rebuilt or moved aside): one line each. */
  notices: string[];
  /** The decompressed copies compressed logs are read back from (a cache beside the index). */
  copies: DecompressedCopies;
}

/** Where the decompressed copies of compressed logs (.jsonl.gz, .jsonl.zst) live, and how much they take. */
export interface DecompressedCopies {
  dir: string;
  files: number;
  bytes: number;
}

/** reference-md: byte-identical to `lockstep diff`; annotated-md: plus bookmarks and notes;
 *  html: one self-contained page; json: see docs/report-json.md. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A pair of the similarity mapping's proposal, and what applying it changes. */
export interface ProposedPair {
  canary: ThreadView;
  ours: ThreadView;
  explanation: PairExplanation;
  /** kept: already compared so; new: the canary thread is not compared now; moved: it is compared with another ours thread now. */
  change: 'kept' | 'new' | 'moved';
  /** For 'moved': the ours thread it is compared with now. */
  nowWith: string | null;
}

/** A thread the proposal leaves unpaired: why, and the closest thread on the other side. */
export interface UnpairedProposal {
  thread: ThreadView;
  reason: string;
  best: { tid: string; similarity: number } | null;
}

/** The similarity mapping proposed for a session (docs: how the similarity is weighed, when a pair is unsure). */
export interface MapProposal {
  pairs: ProposedPair[];
  unpairedCanary: UnpairedProposal[];
  unpairedOurs: UnpairedProposal[];
  /** Pairs flagged unsure. */
  unsure: number;
  /** Pairs that differ from the mapping in effect, and pairs in effect the proposal drops. */
  changes: number;
  /** The mapping in effect is this proposal. */
  applied: boolean;
  /** The same pairs as `lockstep diff --tid-map` takes them (null when a tid is not an integer). */
  tidMapArg: string | null;
}

export interface MapChange {
  session: SessionView;
  /** What the change did, in words (e.g. that a pair was replaced). */
  changes: string[];
}

/** Which side's event matches the find box's query on a row. */
export type MatchSides = 'canary' | 'ours' | 'both';

/** The find box's query on one pair's view: how many rows match, and where (for the overview ruler). */
export interface FindView {
  /** The query as it was understood (canonical spelling). */
  query: string;
  /** Rows with a match on either side. */
  rows: number;
  /** Matching events on each side. */
  canary: number;
  ours: number;
  /** Every event was decided; false: the search stopped reading lines (`note` says where): later matches the index could not decide are not counted. */
  complete: boolean;
  note: string | null;
  /** Runs of matching rows, merged to about `buckets` marks. */
  marks: { row: number; rows: number }[];
}

/** One entry of the filtered list: a row (a match, or context around one), or a gap standing for the rows [from, to) left out. */
export type FilterEntryView = { type: 'row'; row: RowView; match: MatchSides | null } | { type: 'gap'; from: number; to: number };

/** A pair in the search across every pair: its matches and the first few of them. */
export interface AcrossPairView {
  pairKey: string;
  canaryTid: string;
  oursTid: string;
  rows: number;
  canary: number;
  ours: number;
  complete: boolean;
  hits: { row: RowView; match: MatchSides }[];
}

/** The search index of a session's logs: built now (or there already), its size and build time. */
interface SearchIndexView {
  canary: { built: boolean; events: number; bytes: number; buildMs: number };
  ours: { built: boolean; events: number; bytes: number; buildMs: number };
}

// --- requests ---------------------------------------------------------------

/** What each request answers; its argument type comes from its schema (requestSchemas.ts). */
interface RequestResults {
  'app/info': AppInfo;
  /** Remove the decompressed copies (and the indexes of their logs, indexed again when next opened), but those of open sessions. */
  'cache/clear': { copies: DecompressedCopies; freedBytes: number; removed: number; kept: number };
  /** Ingest (or reuse) both logs and compute the summary. Progress: 'ingest/progress' with this jobId. */
  'session/open': SessionView;
  /** Cancel a running open or rules change (or one about to start: a cancel may arrive before its request). */
  'session/cancel': { cancelled: boolean };
  /** Forget an open session's in-memory state (its saved state stays). */
  'session/close': { closed: boolean };
  'session/get': SessionView;
  /** Remember where the user is (saved with the session). */
  'session/place': { saved: true };
  /** A window of rows of one pair's view: rows [from, from + count). */
  'diff/rows': { total: number; rows: RowView[] };
  /** The selected row in full: both events' fields and JSON, and where they differ. */
  'diff/detail': RowDetailView;
  /** A page of the pair's hunks, in order. */
  'diff/hunks': { total: number; hunks: HunkView[] };
  /** The whole pair at a glance, for the overview ruler: every hunk (merged to at most `buckets` marks) and bookmark. */
  'diff/overview': { total: number; marks: OverviewMark[]; bookmarks: { id: string; row: number }[] };
  /** The first event of a side's thread with tid_event_idx >= value, and its row; exact: that event has this tid_event_idx. */
  'diff/jump': { position: number; exact: boolean; row: number };
  /** The row showing a side's event. */
  'diff/locate': { row: number };
  /** The next (or previous) hunk (aligned view) or differing row (positional view) from a row. */
  'diff/seek': { row: number | null; hunk: number | null };
  'report/export': { text: string; path: string | null };
  /** Pair a canary thread with an ours thread. `exclusive`: unpair any other canary thread from that ours thread. */
  'map/pair': MapChange;
  'map/unpair': MapChange;
  /** Back to the automatic mapping (first kernel.call names). */
  'map/reset': MapChange;
  /** The similarity mapping of the session's threads, explained, beside the mapping in effect (nothing changes). */
  'map/propose': MapProposal;
  /** Make the proposed similarity mapping the session's mapping (saved with it; undoable). */
  'map/apply-proposal': MapChange;
  /** Undo the last change to the mapping (pair, unpair, reset, apply). */
  'map/undo': MapChange;
  /** Allocator canonicalization on or off: the summary and alignments recomputed (under rules, the keys derived again first). With a jobId: progress 'rules/progress' with it, cancel: 'session/cancel'. */
  'session/canonicalize': SessionView;
  /** Compare under other rules: keys derived from the index (no log read again), summary and alignments recomputed. Progress: 'rules/progress' with this jobId; cancel: 'session/cancel'. */
  'session/rules': SessionView;
  'bookmark/add': BookmarkView;
  'bookmark/update': BookmarkView;
  'bookmark/delete': { deleted: boolean };
  /** Keep the bookmark being written (the page's draft as JSON, as it is typed); null: saved or cancelled. */
  'bookmark/draft': { kept: boolean };
  /** Write the session to a portable .lockstep file. */
  'session/save-as': { path: string };
  /** Read a .lockstep file; canaryPath/oursPath locate logs that moved (or accept changed ones). */
  'session/open-file': SessionFileOpened;
  /** A page of the session's hunks grouped by signature (most hunks first; fixed entries last), with the counts against the baseline. */
  'triage/groups': SignatureGroupsPage;
  /** A page of one group's hunks, pair by pair. */
  'triage/group-hunks': { total: number; hunks: GroupHunkView[] };
  /** The earlier runs this session can be compared with (sessions of the same title), newest first. */
  'triage/runs': { runs: BaselineRunView[] };
  /** Compare with a baseline file, an earlier run, or nothing (neither given); kept with the session. */
  'triage/baseline': { baseline: BaselineView | null };
  /**
   * Mark a signature as known with a note: written to the session's curated baseline file, or (when the
   * session has none, or compares with a report or a run) to `path`, made there if absent with what the
   * current baseline knows, which then becomes the session's baseline.
   */
  'triage/mark-known': { baseline: BaselineView; path: string; created: boolean };
  /** Build the search index of the session's logs if they have none (once per log). Progress: 'search/progress' with this jobId. */
  'search/prepare': SearchIndexView;
  /** Cancel a search/prepare (what it built of an index is dropped). */
  'search/cancel': { cancelled: boolean };
  /** The find box's query on a pair's view: the count and the ruler's marks (docs/search.md says what a query means). */
  'search/find': FindView;
  /** The next (1) or previous (-1) matching row from a row, or the first at or after it (0); `entry`: its place in the filtered list (given `context`). */
  'search/step': { row: number | null; index: number | null; entry: number | null };
  /** The matching rows in [from, from + count) (what the list marks). */
  'search/hits': { hits: { row: number; match: MatchSides }[] };
  /** A window of the filtered list (the matching rows with `context` rows around each, gaps between) from entry `from`, or centred on the entry that shows row `around` (`at`). */
  'search/filtered': { total: number; from: number; at: number | null; entries: FilterEntryView[] };
  /** The query in every pair of the session: the pairs with matches, a page of them, each with its first hits. */
  'search/across': { pairs: AcrossPairView[]; pairsWithHits: number; rows: number; complete: boolean; note: string | null };
}

/** @public every request: its argument (checked against its schema before any handler runs) and its result. */
export type Requests = { [K in keyof RequestResults]: { arg: RequestArgs[K]; result: RequestResults[K] } };

// The schemas and the results name the same requests (a compile error otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type _SameRequestNames = Assert<Same<keyof RequestResults, keyof RequestArgs>>;

export type RequestName = keyof Requests;
export type RequestArg<K extends RequestName> = Requests[K]['arg'];
export type RequestResult<K extends RequestName> = Requests[K]['result'];

// --- pushed events -----------------------------------------------------------

export interface IngestProgressEvent {
  jobId: string;
  side: Side;
  /** indexing: reading the log; reused: its index already existed; comparing: both indexed, the summary is being computed. */
  phase: 'indexing' | 'reused' | 'comparing';
  /** Bytes of the log file read (of a compressed log: its compressed bytes, which the time left is reckoned on). */
  bytesDone: number;
  bytesTotal: number;
  /** A compressed log: the bytes it has decompressed to so far. */
  contentBytes?: number;
  events: number;
  elapsedMs: number;
}

export interface SearchProgressEvent {
  jobId: string;
  side: Side;
  bytesDone: number;
  bytesTotal: number;
  events: number;
  elapsedMs: number;
}

/**
 * Aligning the pairs of a session whose alignments the index does not keep yet
 * (in a worker: the host keeps answering). From an open (its jobId), or from a
 * remap or a setting change of an open session (its sessionId, jobId null).
 */
export interface AlignProgressEvent {
  jobId: string | null;
  sessionId: string | null;
  pairsDone: number;
  pairsTotal: number;
  /** Events (both sides) of the pairs to align, and how many are behind. */
  eventsDone: number;
  eventsTotal: number;
  elapsedMs: number;
}

export interface RulesProgressEvent {
  jobId: string;
  /** deriving: each event's key under the rules, from the index; aligning: every pair again. */
  phase: 'deriving' | 'aligning';
  done: number;
  total: number;
}

export interface Events {
  'ingest/progress': IngestProgressEvent;
  /** Building the search index of a log (search/prepare). */
  'search/progress': SearchProgressEvent;
  'align/progress': AlignProgressEvent;
  'rules/progress': RulesProgressEvent;
  /** The recent sessions changed (one was opened or saved): the Electron shell rebuilds Open recent from it. */
  'sessions/recent': { recent: RecentEntry[] };
  /** A log of an open session is not what was indexed any more (rewritten in place, replaced, cut): index it again. */
  'app/log-changed': { file: string; message: string };
  /** The index was damaged or the disk full: it was removed and every open session closed (the message says why). */
  'app/sessions-closed': { code: 'damaged' | 'disk-full'; message: string };
  /** From the Electron shell's File menu or a drop of two files: open this pair. */
  'shell/open-logs': { canaryPath: string; oursPath: string };
  /** File > Export report…: the user chose where to write it (format from its extension and the dialog). */
  'shell/export': { path: string; format: ReportFormat };
  /** File > Save session as…: the user chose the file. */
  'shell/save-session': { path: string };
  /** File > Open session…: the user chose a .lockstep file. */
  'shell/open-session': { path: string };
  /** From the page's own transport (never the core): the host stopped answering, or answers again. */
  'host/connection': { connected: boolean };
}

export type EventName = keyof Events;

/** What a transport offers the renderer: one way to ask, one way to listen. */
export interface Transport {
  request<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<Result<RequestResult<K>>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** What the desktop shell (Electron's preload) adds beside the transport; the browser host has none of it. */
export interface Shell {
  /** The path of a dropped file (the page cannot see paths). */
  pathForFile(file: File): string;
  /** The native open dialog; null when cancelled. */
  pickLogs(): Promise<{ canaryPath: string; oursPath: string } | null>;
  /** Choose a .lockstep session file to open. */
  pickSessionFile(): Promise<string | null>;
  /** Choose where to save (a session file, an exported report). */
  pickSavePath(opts: { title: string; defaultName: string; extensions: string[] }): Promise<string | null>;
}
