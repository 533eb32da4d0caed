// The argument of every request, as a schema: checked before any handler sees
// it, whichever transport carried it. The argument types of the contract
// (api.ts) are derived from these, so the two cannot drift.
import { MAX_QUERY_LENGTH } from './searchQuery';
import { arrayOf, bool, int, nullable, num, obj, oneOf, optional, str, type Infer } from './validate';

export const SIDES = ['canary', 'ours'] as const;
export const REPORT_FORMATS = ['reference-md', 'annotated-md', 'html', 'json'] as const;
export const VIEW_MODES = ['aligned', 'positional'] as const;
const BASELINE_MARKS = ['new', 'known', 'fixed'] as const;

const id = str({ nonEmpty: true, max: 200 });
const side = oneOf(...SIDES);
const sessionId = id;
const pairKey = str({ nonEmpty: true, max: 1000 });
const view = oneOf(...VIEW_MODES);
const query = str({ max: MAX_QUERY_LENGTH });
const name = str({ nonEmpty: true, max: 1000 });
const field = obj({ kind: name, path: str({ nonEmpty: true, max: 2000 }) });

/** A rule set as the workbench edits it (docs/rules.md): paths as the rules file writes them (`payload.args_resolved.a0`). */
export const RULES_DATA = obj({
  skip: arrayOf(field, 1000),
  allocators: arrayOf(name, 1000),
  allocatorPairing: bool,
  canonicalize: arrayOf(obj({ kind: name, path: str({ nonEmpty: true, max: 2000 }), pairing: bool }), 1000),
  ignoreKinds: arrayOf(name, 1000),
});

export const REQUEST_SCHEMAS = {
  'app/info': obj({}),
  'cache/clear': obj({}),
  'session/open': obj({
    jobId: id,
    canaryPath: str({ nonEmpty: true }),
    oursPath: str({ nonEmpty: true }),
    canonicalize: optional(bool),
    acceptTruncated: optional(bool),
  }),
  'session/cancel': obj({ jobId: id }),
  'session/close': obj({ sessionId }),
  'session/get': obj({ sessionId }),
  'session/place': obj({ sessionId, pairKey, view, row: int(0) }),
  'diff/rows': obj({ sessionId, pairKey, view, from: int(0), count: int(1, 2000) }),
  'diff/detail': obj({ sessionId, pairKey, view, row: int(0), full: optional(bool) }),
  'diff/hunks': obj({ sessionId, pairKey, from: int(0), count: int(1, 500) }),
  'diff/overview': obj({ sessionId, pairKey, view, buckets: int(1, 4000) }),
  'diff/jump': obj({ sessionId, pairKey, view, side, tidEventIdx: num }),
  'diff/locate': obj({ sessionId, pairKey, view, side, position: int(0) }),
  'diff/seek': obj({ sessionId, pairKey, view, from: int(-1), direction: oneOf(1, -1) }),
  'report/export': obj({ sessionId, format: oneOf(...REPORT_FORMATS), path: optional(str({ nonEmpty: true })) }),
  'map/pair': obj({ sessionId, canaryTidKey: pairKey, oursTidKey: pairKey, exclusive: bool }),
  'map/unpair': obj({ sessionId, canaryTidKey: pairKey }),
  'map/reset': obj({ sessionId }),
  'map/propose': obj({ sessionId }),
  'map/apply-proposal': obj({ sessionId }),
  'map/undo': obj({ sessionId }),
  'session/canonicalize': obj({ sessionId, canonicalize: bool, jobId: optional(id) }),
  'session/rules': obj({ sessionId, jobId: id, rules: RULES_DATA }),
  'bookmark/add': obj({ sessionId, pairKey, view, row: int(0), title: str({ max: 1000 }), note: str({ max: 1_000_000 }), atDivergence: optional(bool) }),
  'bookmark/update': obj({ sessionId, bookmarkId: id, title: str({ max: 1000 }), note: str({ max: 1_000_000 }) }),
  'bookmark/delete': obj({ sessionId, bookmarkId: id }),
  'bookmark/draft': obj({ sessionId, body: nullable(str({ max: 1_100_000 })) }),
  'session/save-as': obj({ sessionId, path: str({ nonEmpty: true }) }),
  'session/open-file': obj({
    jobId: id,
    path: str({ nonEmpty: true }),
    canaryPath: optional(str({ nonEmpty: true })),
    oursPath: optional(str({ nonEmpty: true })),
  }),
  'triage/groups': obj({ sessionId, from: int(0), count: int(1, 500), only: optional(oneOf(...BASELINE_MARKS)) }),
  'triage/group-hunks': obj({ sessionId, signatureId: str({ nonEmpty: true, max: 100 }), from: int(0), count: int(1, 500) }),
  'triage/runs': obj({ sessionId }),
  'triage/baseline': obj({
    sessionId,
    path: optional(str({ nonEmpty: true })),
    run: optional(obj({ sessionId, canaryFingerprint: str({ nonEmpty: true, max: 200 }), oursFingerprint: str({ nonEmpty: true, max: 200 }) })),
  }),
  'triage/mark-known': obj({
    sessionId,
    signatureId: str({ nonEmpty: true, max: 100 }),
    note: str({ nonEmpty: true, max: 10_000 }),
    path: optional(str({ nonEmpty: true })),
  }),
  'search/prepare': obj({ sessionId, jobId: id }),
  'search/cancel': obj({ jobId: id }),
  'search/find': obj({ sessionId, pairKey, view, query, buckets: int(1, 4000) }),
  'search/step': obj({ sessionId, pairKey, view, query, from: int(-1), direction: oneOf(1, -1, 0), context: optional(int(0, 50)) }),
  'search/hits': obj({ sessionId, pairKey, view, query, from: int(0), count: int(1, 2000) }),
  'search/filtered': obj({ sessionId, pairKey, view, query, context: int(0, 50), from: int(0), count: int(1, 500), around: optional(int(0)) }),
  'search/across': obj({ sessionId, view, query, from: int(0), count: int(1, 100), hitsPerPair: int(1, 50) }),
};

type SchemaName = keyof typeof REQUEST_SCHEMAS;

/** Every request's argument type, derived from its schema. */
export type RequestArgs = { [K in SchemaName]: Infer<(typeof REQUEST_SCHEMAS)[K]> };

/** Check a request: its name must be known and its argument must fit the name's schema. */
export function checkRequest(name: unknown, arg: unknown): { ok: true; name: SchemaName; arg: RequestArgs[SchemaName] } | { ok: false; message: string } {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(REQUEST_SCHEMAS, name)) {
    return { ok: false, message: `unknown request ${JSON.stringify(name)}` };
  }
  const e = REQUEST_SCHEMAS[name as SchemaName](arg, 'arg');
  return e ? { ok: false, message: e } : { ok: true, name: name as SchemaName, arg: arg as RequestArgs[SchemaName] };
}
