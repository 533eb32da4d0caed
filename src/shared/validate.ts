// Schemas for what crosses a process boundary (requests, session files): small
// checking functions that also carry the type they admit, so that the types of
// the contract are derived from the checks and cannot drift from them.
// Hand-written rather than a schema library on purpose: each failure is one
// line naming the path (`arg.canaryPath must be a string`), which the hosts
// pass to the user as it is.

/** A check: an error message, or null when the value fits. `T` is the type it admits. */
export interface Schema<T> {
  (v: unknown, path: string): string | null;
  /** Never set: carries T for `Infer`. */
  readonly __type?: T;
}

/** Kept for checks that do not name a type (composed by hand). */
export type Check = Schema<unknown>;

/** The type a schema admits. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly optional: true;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export const str =
  (opts: { max?: number; nonEmpty?: boolean } = {}): Schema<string> =>
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
  (min = 0, max = Number.MAX_SAFE_INTEGER): Schema<number> =>
  (v, p) =>
    typeof v !== 'number' || !Number.isInteger(v) ? `${p} must be an integer` : v < min || v > max ? `${p} must be in [${min}, ${max}]` : null;

export const num: Schema<number> = (v, p) => (typeof v !== 'number' || !Number.isFinite(v) ? `${p} must be a finite number` : null);

export const bool: Schema<boolean> = (v, p) => (typeof v !== 'boolean' ? `${p} must be true or false` : null);

export const oneOf =
  <const V extends readonly (string | number)[]>(...values: V): Schema<V[number]> =>
  (v, p) =>
    values.includes(v as string | number) ? null : `${p} must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;

/** A key that may be missing from its object. */
export const optional = <T>(c: Schema<T>): OptionalSchema<T> =>
  Object.assign((v: unknown, p: string) => (v === undefined ? null : c(v, p)), { optional: true as const });

export const nullable =
  <T>(c: Schema<T>): Schema<T | null> =>
  (v, p) =>
    v === null ? null : c(v, p);

export const arrayOf =
  <T>(c: Schema<T>, max = 10000): Schema<T[]> =>
  (v, p) => {
    if (!Array.isArray(v)) return `${p} must be a list`;
    if (v.length > max) return `${p} has too many items`;
    for (let i = 0; i < v.length; i++) {
      const e = c(v[i], `${p}[${i}]`);
      if (e) return e;
    }
    return null;
  };

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ObjectOf<S extends Record<string, Schema<unknown>>> = Simplify<
  { [K in keyof S as S[K] extends OptionalSchema<unknown> ? never : K]: Infer<S[K]> } & {
    [K in keyof S as S[K] extends OptionalSchema<unknown> ? K : never]?: Exclude<Infer<S[K]>, undefined>;
  }
>;

/**
 * An object with exactly these keys (optional ones may be missing); unknown
 * keys are refused. Only own properties count: a key named like a built-in
 * (`constructor`, `toString`) is as unknown as any other.
 */
export const obj =
  <S extends Record<string, Schema<unknown>>>(shape: S): Schema<ObjectOf<S>> =>
  (v, p) => {
    if (!isObject(v)) return `${p} must be an object`;
    for (const k of Object.keys(v)) if (!hasOwn(shape, k)) return `${p}.${k} is not expected`;
    for (const k of Object.keys(shape)) {
      const e = shape[k]!(hasOwn(v, k) ? v[k] : undefined, `${p}.${k}`);
      if (e) return e;
    }
    return null;
  };
