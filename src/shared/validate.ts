// Schemas for what crosses the contract: every request argument is checked
// before any handler sees it, whichever transport carried it.
import type { RequestArg, RequestName } from './api';

/** Returns an error message, or null when the value fits. */
export type Check = (v: unknown, path: string) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const str =
  (opts: { max?: number; nonEmpty?: boolean } = {}): Check =>
  (v, p) =>
    typeof v !== 'string'
      ? `${p} must be a string`
      : opts.nonEmpty && v.length === 0
        ? `${p} must not be empty`
        : v.length > (opts.max ?? 4096)
          ? `${p} is too long`
          : v.includes('\0')
            ? `${p} must not contain NUL`
            : null;

export const int =
  (min = 0, max = Number.MAX_SAFE_INTEGER): Check =>
  (v, p) =>
    typeof v !== 'number' || !Number.isInteger(v) ? `${p} must be an integer` : v < min || v > max ? `${p} must be in [${min}, ${max}]` : null;

const num: Check = (v, p) => (typeof v !== 'number' || !Number.isFinite(v) ? `${p} must be a finite number` : null);

export const bool: Check = (v, p) => (typeof v !== 'boolean' ? `${p} must be true or false` : null);

const oneOf =
  (...values: readonly (string | number)[]): Check =>
  (v, p) =>
    values.includes(v as string | number) ? null : `${p} must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;

const optional =
  (c: Check): Check =>
  (v, p) =>
    v === undefined ? null : c(v, p);

export const nullable =
  (c: Check): Check =>
  (v, p) =>
    v === null ? null : c(v, p);

export const arrayOf =
  (c: Check, max = 10000): Check =>
  (v, p) => {
    if (!Array.isArray(v)) return `${p} must be a list`;
    if (v.length > max) return `${p} has too many items`;
    for (let i = 0; i < v.length; i++) {
      const e = c(v[i], `${p}[${i}]`);
      if (e) return e;
    }
    return null;
  };

/** An object with exactly these keys (optional ones may be missing); unknown keys are refused. */
export const obj =
  (shape: Record<string, Check>): Check =>
  (v, p) => {
    if (!isObject(v)) return `${p} must be an object`;
    for (const k of Object.keys(v)) if (!(k in shape)) return `${p}.${k} is not expected`;
    for (const [k, c] of Object.entries(shape)) {
      const e = c(v[k], `${p}.${k}`);
      if (e) return e;
    }
    return null;
  };

const id = str({ nonEmpty: true, max: 200 });
const side = oneOf('canary', 'ours');
const sessionId = id;
const pairKey = str({ nonEmpty: true, max: 1000 });

export const REQUEST_SCHEMAS: { [K in RequestName]: Check } = {
  'app/info': obj({}),
  'session/open': obj({ jobId: id, canaryPath: str({ nonEmpty: true }), oursPath: str({ nonEmpty: true }), canonicalize: optional(bool) }),
  'session/cancel': obj({ jobId: id }),
  'session/close': obj({ sessionId }),
  'session/get': obj({ sessionId }),
  'session/place': obj({ sessionId, pairKey, position: int(0) }),
  'diff/rows': obj({ sessionId, pairKey, from: int(0), count: int(1, 2000) }),
  'diff/jump': obj({ sessionId, pairKey, side, tidEventIdx: num }),
  'diff/seek': obj({ sessionId, pairKey, from: int(-1), direction: oneOf(1, -1) }),
  'report/export': obj({ sessionId, format: oneOf('reference-md', 'annotated-md', 'html', 'json'), path: optional(str({ nonEmpty: true })) }),
  'map/pair': obj({ sessionId, canaryTidKey: pairKey, oursTidKey: pairKey, exclusive: bool }),
  'map/unpair': obj({ sessionId, canaryTidKey: pairKey }),
  'map/reset': obj({ sessionId }),
  'session/canonicalize': obj({ sessionId, canonicalize: bool }),
  'bookmark/add': obj({ sessionId, pairKey, position: int(0), title: str({ max: 1000 }), note: str({ max: 1_000_000 }), atDivergence: optional(bool) }),
  'bookmark/update': obj({ sessionId, bookmarkId: id, title: str({ max: 1000 }), note: str({ max: 1_000_000 }) }),
  'bookmark/delete': obj({ sessionId, bookmarkId: id }),
  'session/save-as': obj({ sessionId, path: str({ nonEmpty: true }) }),
  'session/open-file': obj({
    jobId: id,
    path: str({ nonEmpty: true }),
    canaryPath: optional(str({ nonEmpty: true })),
    oursPath: optional(str({ nonEmpty: true })),
  }),
};

/** Check a request: its name must be known and its argument must fit the name's schema. */
export function checkRequest(name: unknown, arg: unknown): { ok: true; name: RequestName; arg: RequestArg<RequestName> } | { ok: false; message: string } {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(REQUEST_SCHEMAS, name)) {
    return { ok: false, message: `unknown request ${JSON.stringify(name)}` };
  }
  const e = REQUEST_SCHEMAS[name as RequestName](arg, 'arg');
  return e ? { ok: false, message: e } : { ok: true, name: name as RequestName, arg: arg as RequestArg<RequestName> };
}
