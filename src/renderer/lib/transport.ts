// The transports a page can have. Which host carries the contract is decided
// here, once: Electron's preload bridge if present, otherwise the
// HTTP/WebSocket host the page was served from (its URL holds the token).
import type { EventName, Events, RequestArg, RequestName, RequestResult, Result, Shell, Transport } from '../../shared/api';

declare global {
  interface Window {
    lockstep?: Transport;
    lockstepShell?: Shell;
  }
}

class HttpTransport implements Transport {
  private readonly listeners = new Map<EventName, Set<(p: never) => void>>();
  private socket: WebSocket | null = null;
  private retry = 500;
  /** The host answers (as far as this page knows); 'host/connection' tells the page when that changes. */
  private connected = true;
  private goneTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly base: URL) {
    this.connect();
  }

  private connect(): void {
    const url = new URL('events', this.base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    this.socket = ws;
    ws.onmessage = (m) => {
      const { event, payload } = JSON.parse(String(m.data)) as { event: EventName; payload: never };
      for (const l of this.listeners.get(event) ?? []) l(payload);
    };
    ws.onopen = () => {
      this.retry = 500;
      this.setConnected(true);
    };
    ws.onclose = () => {
      // A hiccup reconnects at once; a host that stays away for 1.5 s has stopped.
      this.goneTimer ??= setTimeout(() => this.setConnected(false), 1500);
      // Reconnect with backoff: progress must keep flowing after a host hiccup.
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 10_000);
    };
  }

  async request<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<Result<RequestResult<K>>> {
    try {
      const res = await fetch(new URL(`api/${name}`, this.base), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ arg }),
      });
      if (!res.ok && res.headers.get('content-type')?.startsWith('application/json') !== true) {
        return { ok: false, error: { code: 'internal', message: `the workbench host answered ${res.status}: ${await res.text()}` } };
      }
      return (await res.json()) as Result<RequestResult<K>>;
    } catch (e) {
      this.setConnected(false);
      return { ok: false, error: { code: 'internal', message: `cannot reach the workbench host (${(e as Error).message}); is lockstep serve still running?` } };
    }
  }

  private setConnected(connected: boolean): void {
    if (this.goneTimer) clearTimeout(this.goneTimer);
    this.goneTimer = null;
    if (this.connected === connected) return;
    this.connected = connected;
    for (const l of this.listeners.get('host/connection') ?? []) l({ connected } as never);
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (p: never) => void);
    return () => set.delete(listener as (p: never) => void);
  }
}

export function createTransport(): Transport {
  if (window.lockstep) return window.lockstep;
  return new HttpTransport(new URL('.', window.location.href));
}

/** The desktop shell's dialogs, when the page runs in it. */
export function createShell(): Shell | null {
  return window.lockstepShell ?? null;
}
