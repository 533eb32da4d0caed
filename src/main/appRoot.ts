// The project root (package.json, out/, resources/), found from wherever the
// bundler put this code (out/main/ or out/main/chunks/, or src/ under tests).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findAppRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'lockstep') return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return join(__dirname, '..', '..');
    dir = up;
  }
}

export const APP_ROOT = findAppRoot();
