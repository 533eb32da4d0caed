// What the desktop shell may add to the page (Electron's preload), behind one
// interface: the browser host simply has none of it, and the views offer the
// typed-path way instead.
import type { Side } from '../../shared/api';
import { shell } from './backend';

export interface LogPaths {
  canaryPath: string;
  oursPath: string;
}

/** The native "open two logs" dialog, when the shell offers one. */
export function nativePicker(): (() => Promise<LogPaths | null>) | null {
  const s = shell();
  return s ? () => s.pickLogs() : null;
}

/** The file-system path of a dropped file, when the shell can tell it (a browser page cannot). */
export function pathOfDroppedFile(file: File): string | null {
  const s = shell();
  if (!s) return null;
  try {
    return s.pathForFile(file) || null;
  } catch {
    return null;
  }
}

/** Which side two dropped files belong to: by name when one says so, else in drop order. */
export function assignDroppedPaths(paths: string[]): Partial<Record<Side, string>> {
  if (paths.length === 0) return {};
  if (paths.length === 1) return {};
  const [a, b] = paths as [string, string];
  const isCanary = (p: string): boolean => /canary/i.test(p.split(/[\\/]/).pop() ?? '');
  if (isCanary(b) && !isCanary(a)) return { canary: b, ours: a };
  return { canary: a, ours: b };
}

/** Whether the shell has its own save and open dialogs (and File menu); the browser page uses path fields instead. */
export const shellDialogs = {
  get save(): boolean {
    return shell() !== null;
  },
  get openSession(): boolean {
    return shell() !== null;
  },
};
