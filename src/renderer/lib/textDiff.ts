// Where two strings differ, for highlighting: the common prefix and suffix
// kept plain, the middle of each marked. Enough to find the differing
// characters of two values at a glance; not a full diff.
export interface TextParts {
  prefix: string;
  canary: string;
  ours: string;
  suffix: string;
}

export function textDiff(a: string, b: string): TextParts {
  let p = 0;
  const n = Math.min(a.length, b.length);
  while (p < n && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  // Never split a surrogate pair.
  if (p > 0 && p < n && a.charCodeAt(p - 1) >= 0xd800 && a.charCodeAt(p - 1) <= 0xdbff) p--;
  let s = 0;
  while (s < n - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  if (s > 0 && s < n - p && a.charCodeAt(a.length - s) >= 0xdc00 && a.charCodeAt(a.length - s) <= 0xdfff) s--;
  return { prefix: a.slice(0, p), canary: a.slice(p, a.length - s), ours: b.slice(p, b.length - s), suffix: a.slice(a.length - s) };
}
