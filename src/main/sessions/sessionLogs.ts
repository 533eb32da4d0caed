// Where a session file's logs are on this machine: each as recorded, moved
// (missing at its path) or changed (its content differs from what the session
// was made with).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LogCheck, Side } from '../../shared/api';
import { fingerprintFile } from '../ingest/fingerprint';
import type { SessionFile, SessionFileLog } from './sessionFile';

function checkLog(side: Side, path: string, expected: SessionFileLog): LogCheck {
  const recorded = { fingerprint: expected.fingerprint, size: expected.size };
  if (!existsSync(path)) return { side, path, state: 'missing', expected: recorded };
  try {
    const fp = fingerprintFile(path);
    return { side, path, state: fp.fingerprint === expected.fingerprint && fp.size === expected.size ? 'ok' : 'changed', expected: recorded };
  } catch {
    return { side, path, state: 'missing', expected: recorded };
  }
}

export interface LocatedLogs {
  canary: LogCheck;
  ours: LogCheck;
  /** Ask the user to point at a log: one is missing, or changed without the user having chosen it. */
  needsLocating: boolean;
}

/** Check both logs of a session file; `canaryPath`/`oursPath` are where the user pointed instead. */
export function locateSessionLogs(file: SessionFile, canaryPath?: string, oursPath?: string): LocatedLogs {
  const canary = checkLog('canary', resolve(canaryPath ?? file.logs.canary.path), file.logs.canary);
  const ours = checkLog('ours', resolve(oursPath ?? file.logs.ours.path), file.logs.ours);
  // A log the user pointed at explicitly is accepted even if it changed; a missing one never is.
  const given = { canary: canaryPath !== undefined, ours: oursPath !== undefined };
  const needsLocating = [canary, ours].some((l) => l.state === 'missing' || (l.state === 'changed' && !given[l.side]));
  return { canary, ours, needsLocating };
}
