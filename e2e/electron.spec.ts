// The real Electron shell, where an Electron binary is present. Electron's
// binary is downloaded on first launch; on machines that cannot download it
// (these CI machines) this test is reported as skipped, with the reason.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { ROOT, screenshot } from './fixtures';

function electronBinary(): string | null {
  const dir = join(ROOT, 'node_modules', 'electron');
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const bin = join(dir, 'dist', readFileSync(pathTxt, 'utf8'));
  return existsSync(bin) ? bin : null;
}

const binary = electronBinary();
const nativeBinding = (): string | null => {
  const v = JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
  const p = join(ROOT, 'build', 'electron-native', `better_sqlite3-${v.version}.node`);
  return existsSync(p) ? p : null;
};

test.describe('Electron shell', () => {
  test.skip(binary === null, 'no Electron binary here (it is downloaded on first launch and this machine cannot download it); run npm start once online');
  test.skip(
    binary !== null && nativeBinding() === null,
    'better-sqlite3 is not built for Electron yet: run npm start once (it needs Electron headers from the internet)',
  );

  test('opens the demo in a locked-down window', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'lockstep-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: [ROOT, `--user-data-dir=${userData}`],
      env: { ...process.env, LOCKSTEP_NATIVE_BINDING: nativeBinding()! },
    });
    try {
      const page = await app.firstWindow();
      // What the page can reach: the contract's transport, and nothing of Node or Electron.
      const reach = await page.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        lockstep: Object.keys((globalThis as { lockstep?: object }).lockstep ?? {}).sort(),
      }));
      expect(reach).toEqual({
        require: 'undefined',
        process: 'undefined',
        lockstep: ['on', 'pathForFile', 'pickLogs', 'pickSavePath', 'pickSessionFile', 'request'],
      });
      // Navigation away and new windows are refused.
      await page.evaluate(() => window.open('https://example.com'));
      expect(app.windows()).toHaveLength(1);
      await expect(page.getByRole('table').first()).toBeVisible({ timeout: 30_000 });
      await screenshot(page, 'electron-demo');
    } finally {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
