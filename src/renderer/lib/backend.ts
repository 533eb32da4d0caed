// The page's one connection to the core, chosen once at the edge: main.ts
// connects the transport of the host the page runs in (Electron's preload or
// the browser host); the tests connect an in-process one around a real
// Workbench. The state modules only ever see `backend` and `shell()`.
import type { Shell, Transport } from '../../shared/api';

let transport: Transport | null = null;
let desktopShell: Shell | null = null;

/** Choose how the page reaches the core (and the shell's dialogs, where there is a shell). */
export function connectBackend(t: Transport, s: Shell | null = null): void {
  transport = t;
  desktopShell = s;
}

function current(): Transport {
  if (!transport) throw new Error('no transport: connectBackend() was not called');
  return transport;
}

export const backend: Transport = {
  request: (name, arg) => current().request(name, arg),
  on: (event, listener) => current().on(event, listener),
};

/** The desktop shell's dialogs, or null in a browser. */
export function shell(): Shell | null {
  return desktopShell;
}
