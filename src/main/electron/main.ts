// The Electron shell: a window, the File menu with native dialogs, drag and
// drop, and the IPC transport of the contract. Everything else is the same
// Workbench service `lockstep serve` carries.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell, type MenuItemConstructorOptions } from 'electron';
import type { AppInfo, EventName, Events, RecentEntry, ReportFormat } from '../../shared/api';
import { appVersion, APP_ROOT, demoPair, RENDERER_DIR } from '../hosts/appPaths';
import { DataDirError, DataDirInUse, Workbench } from '../service/workbench';
import { secureWebPreferences } from './security';

/** better-sqlite3 built for this Electron's ABI by `npm start` (Node's build cannot load here). */
function electronNativeBinding(): string | undefined {
  const p = join(APP_ROOT, 'build', 'electron-native', `better_sqlite3-${process.versions.electron}.node`);
  return process.env.LOCKSTEP_NATIVE_BINDING ?? (existsSync(p) ? p : undefined);
}

let workbench: Workbench;
let win: BrowserWindow | null = null;
const INDEX_HTML = join(RENDERER_DIR, 'index.html');

function push<E extends EventName>(event: E, payload: Events[E]): void {
  win?.webContents.send('lockstep:event', event, payload);
}

async function pickLogs(): Promise<{ canaryPath: string; oursPath: string } | null> {
  if (!win) return null;
  const filters = [
    { name: 'Event logs', extensions: ['jsonl', 'json', 'log', 'gz', 'zst'] },
    { name: 'All files', extensions: ['*'] },
  ];
  const c = await dialog.showOpenDialog(win, { title: 'Open the canary log (the trusted engine)', properties: ['openFile'], filters });
  if (c.canceled || !c.filePaths[0]) return null;
  const o = await dialog.showOpenDialog(win, { title: 'Open the ours log (the engine under development)', properties: ['openFile'], filters });
  if (o.canceled || !o.filePaths[0]) return null;
  return { canaryPath: c.filePaths[0], oursPath: o.filePaths[0] };
}

async function pickSessionFile(): Promise<string | null> {
  if (!win) return null;
  const r = await dialog.showOpenDialog(win, {
    title: 'Open a Lockstep session',
    properties: ['openFile'],
    filters: [{ name: 'Lockstep session', extensions: ['lockstep'] }],
  });
  return r.canceled || !r.filePaths[0] ? null : r.filePaths[0];
}

async function pickSavePath(opts: { title: string; defaultName: string; extensions: string[] }): Promise<string | null> {
  if (!win) return null;
  const r = await dialog.showSaveDialog(win, {
    title: opts.title,
    defaultPath: opts.defaultName,
    filters: [{ name: opts.extensions.join(', '), extensions: opts.extensions }],
  });
  return r.canceled || !r.filePath ? null : r.filePath;
}

const EXPORTS: { label: string; format: ReportFormat; ext: string }[] = [
  { label: 'Reference Markdown (as lockstep diff)…', format: 'reference-md', ext: 'md' },
  { label: 'Markdown with bookmarks and notes…', format: 'annotated-md', ext: 'md' },
  { label: 'HTML page…', format: 'html', ext: 'html' },
  { label: 'JSON…', format: 'json', ext: 'json' },
];

/** A menu item's click that runs a dialog: its failure is shown, never an unhandled rejection. */
function menuAction(run: () => Promise<void>): () => void {
  return () => {
    run().catch((e: unknown) => dialog.showErrorBox('Lockstep', (e as Error).message));
  };
}

/** The File menu; Open recent as the core last said (its 'sessions/recent' event). */
function buildMenu(recentEntries: RecentEntry[]): void {
  const recent = recentEntries.map<MenuItemConstructorOptions>((r) => ({
    label: r.name,
    click: () => push('shell/open-logs', { canaryPath: r.canaryPath, oursPath: r.oursPath }),
  }));
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        {
          label: 'Open logs…',
          accelerator: 'CmdOrCtrl+O',
          click: menuAction(async () => {
            const picked = await pickLogs();
            if (picked) push('shell/open-logs', picked);
          }),
        },
        { label: 'Open recent', submenu: recent.length ? recent : [{ label: 'No recent sessions', enabled: false }] },
        { type: 'separator' },
        {
          label: 'Open session…',
          click: menuAction(async () => {
            const path = await pickSessionFile();
            if (path) push('shell/open-session', { path });
          }),
        },
        {
          label: 'Save session as…',
          accelerator: 'CmdOrCtrl+Shift+S',
          click: menuAction(async () => {
            const path = await pickSavePath({ title: 'Save the session', defaultName: 'triage.lockstep', extensions: ['lockstep'] });
            if (path) push('shell/save-session', { path });
          }),
        },
        { type: 'separator' },
        {
          label: 'Export report',
          submenu: EXPORTS.map((x, i) => ({
            label: x.label,
            ...(i === 0 ? { accelerator: 'CmdOrCtrl+E' } : {}),
            click: menuAction(async () => {
              const path = await pickSavePath({ title: 'Export the report', defaultName: `lockstep-report.${x.ext}`, extensions: [x.ext] });
              if (path) push('shell/export', { path, format: x.format });
            }),
          })),
        },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Lockstep',
    backgroundColor: '#1b1d22',
    webPreferences: secureWebPreferences(join(__dirname, '../preload/index.js')),
  });
  win.on('closed', () => (win = null));
  void win.loadFile(INDEX_HTML);
}

function lockDown(): void {
  const ours = pathToFileURL(INDEX_HTML).href;
  // No permission (camera, notifications, …) is ever granted.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (e, url) => {
      if (url !== ours) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
}

void app.whenReady().then(() => {
  const nativeBinding = electronNativeBinding();
  try {
    workbench = new Workbench({ dataDir: app.getPath('userData'), host: 'electron', version: appVersion(), demo: demoPair(), nativeBinding });
  } catch (e) {
    const ours = e instanceof DataDirError || e instanceof DataDirInUse;
    dialog.showErrorBox(
      ours ? 'Lockstep cannot use its data directory' : 'Lockstep cannot open its index',
      ours ? (e as Error).message : `${(e as Error).message}\n\nRun npm start, which builds the SQLite driver for Electron.`,
    );
    app.exit(1);
    return;
  }
  workbench.onEvent((event, payload) => {
    push(event, payload);
    if (event === 'sessions/recent') buildMenu((payload as Events['sessions/recent']).recent);
  });
  ipcMain.handle('lockstep:request', (e, name: unknown, arg: unknown) => {
    if (e.senderFrame?.url !== pathToFileURL(INDEX_HTML).href) return { ok: false, error: { code: 'bad-request', message: 'unknown sender' } };
    return workbench.handle(name, arg);
  });
  ipcMain.handle('lockstep:pick-logs', () => pickLogs());
  ipcMain.handle('lockstep:pick-session-file', () => pickSessionFile());
  ipcMain.handle('lockstep:pick-save-path', (_e, opts: { title: string; defaultName: string; extensions: string[] }) => pickSavePath(opts));
  lockDown();
  buildMenu([]);
  void workbench.handle('app/info', {}).then((r) => r.ok && buildMenu((r.value as AppInfo).recent));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => workbench?.close());
