import { describe, expect, it } from 'vitest';
import { secureWebPreferences } from './security';

describe("the Electron window's web preferences", () => {
  it("follow Electron's security checklist", () => {
    const p = secureWebPreferences('/app/preload.js');
    expect(p).toMatchObject({
      preload: '/app/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});
