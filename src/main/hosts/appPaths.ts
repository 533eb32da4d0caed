// Where the built app's pieces are, seen from the built main bundle
// (out/main/*.js), and where the user's data lives.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

import { APP_ROOT } from '../appRoot';

export { APP_ROOT };

export const RENDERER_DIR = join(APP_ROOT, 'out', 'renderer');

export function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(APP_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export function demoPair(): { canaryPath: string; oursPath: string } | null {
  const canaryPath = join(APP_ROOT, 'resources', 'demo', 'canary.jsonl');
  const oursPath = join(APP_ROOT, 'resources', 'demo', 'ours.jsonl');
  return existsSync(canaryPath) && existsSync(oursPath) ? { canaryPath, oursPath } : null;
}

/** $LOCKSTEP_DATA_DIR, else $XDG_DATA_HOME/lockstep, else ~/.local/share/lockstep. */
export function defaultDataDir(): string {
  if (process.env.LOCKSTEP_DATA_DIR) return resolve(process.env.LOCKSTEP_DATA_DIR);
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'lockstep');
}
