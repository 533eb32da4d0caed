// A bookmark note being written is kept as it is typed, until it is saved or
// cancelled, twice: in the host's sessions database (a moment after each key,
// so it survives the page; a host started again on another port is another
// origin, whose page storage is empty) and in the page's own storage (at once,
// so it survives the host). It comes back when the same session opens again,
// from whichever of the two is newer.
const KEY = 'lockstep.unsaved-bookmark';

interface Draft {
  title: string;
  note: string;
}

interface Kept<T extends Draft> {
  sessionId: string;
  draft: T;
  at: string;
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function keepDraft<T extends Draft>(sessionId: string, draft: T): void {
  try {
    storage()?.setItem(KEY, JSON.stringify({ sessionId, draft, at: new Date().toISOString() } satisfies Kept<T>));
  } catch {
    // storage full or refused: the draft is still in the editor
  }
}

export function forgetDraft(): void {
  storage()?.removeItem(KEY);
}

function parse<T extends Draft>(body: string): T | null {
  try {
    const d = JSON.parse(body) as T | null;
    return d && typeof d.note === 'string' && typeof d.title === 'string' ? d : null;
  } catch {
    return null;
  }
}

/** The draft kept for this session, if any, and when it was last typed: the newer of the page's and the host's (`fromHost`). */
export function keptDraft<T extends Draft>(sessionId: string, fromHost: { body: string; at: string } | null): { draft: T; at: string } | null {
  let local: { draft: T; at: string } | null = null;
  try {
    const k = JSON.parse(storage()?.getItem(KEY) ?? 'null') as Kept<T> | null;
    const draft = k && k.sessionId === sessionId ? parse<T>(JSON.stringify(k.draft)) : null;
    if (draft) local = { draft, at: k!.at };
  } catch {
    local = null;
  }
  const host = fromHost ? parse<T>(fromHost.body) : null;
  const remote = host ? { draft: host, at: fromHost!.at } : null;
  if (local && remote) return Date.parse(local.at) >= Date.parse(remote.at) ? local : remote;
  return local ?? remote;
}
