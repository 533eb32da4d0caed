// Session files and reports: "Save session as…", "Open session…" and the
// four exports. The desktop shell has native dialogs (and pushes its File
// menu's choices as events); the browser page asks for a path on the host, or
// offers the report as a download.
import type { ApiError, ReportFormat } from '../../shared/api';
import { backend, shell } from './backend';
import { offerDownload, reportFileName, reportFormatInfo, sessionFileStem } from './download';
import { dirName } from './format';
import { workbench } from './workbench.svelte';

class SessionFiles {
  /** The browser's "Save session as" dialog (the shell uses its native one). */
  saveDialogOpen = $state(false);
  exporting = $state(false);

  /** The shell's File menu: export, save, as the user chose there. */
  listen(): void {
    backend.on('shell/export', ({ path, format }) => void this.exportReport(format, path));
    backend.on('shell/save-session', ({ path }) => void this.saveSessionAs(path));
  }

  /** Where "Save session as" proposes to write: beside the canary log. */
  defaultSessionPath(): string {
    const s = workbench.session;
    if (!s) return '';
    return `${dirName(s.canary.path)}${sessionFileStem(s.name)}.lockstep`;
  }

  /** Save session as…: the shell's dialog if there is one, else the page's path dialog. */
  async chooseSavePath(): Promise<void> {
    const s = workbench.session;
    if (!s) return;
    const sh = shell();
    if (!sh) {
      this.saveDialogOpen = true;
      return;
    }
    const path = await sh.pickSavePath({ title: 'Save the session', defaultName: this.defaultSessionPath(), extensions: ['lockstep'] });
    if (path) await this.saveSessionAs(path);
  }

  /** Write the session file; "saved" only once the host has answered ok. */
  async saveSessionAs(path: string): Promise<ApiError | null> {
    const s = workbench.session;
    if (!s) {
      workbench.say({ tone: 'warn', text: 'No session is open to save: open two logs first.' });
      return { code: 'not-found', message: 'No session is open.' };
    }
    const r = await backend.request('session/save-as', { sessionId: s.id, path: path.trim() });
    if (!r.ok) {
      workbench.say({ tone: 'warn', text: `Session not saved: ${r.error.message}` });
      return r.error;
    }
    this.saveDialogOpen = false;
    const n = s.bookmarks.length;
    workbench.say({ tone: 'success', text: `Session saved to ${r.value.path} (${n} ${n === 1 ? 'bookmark' : 'bookmarks'})` });
    return null;
  }

  /** Open session…: the shell's file dialog if there is one, else the open view's path field. */
  async chooseSessionFile(): Promise<void> {
    const sh = shell();
    if (sh) {
      const path = await sh.pickSessionFile();
      if (path) await workbench.openSessionFile(path);
      return;
    }
    workbench.showOpenView();
  }

  /** Export a format: written to `path` on the host, or (no path) offered as a download. */
  async exportReport(format: ReportFormat = 'reference-md', path?: string): Promise<void> {
    const s = workbench.session;
    if (!s) return workbench.say({ tone: 'warn', text: 'No session is open to export: open two logs first.' });
    if (this.exporting) return;
    const info = reportFormatInfo(format);
    this.exporting = true;
    const r = await backend.request('report/export', { sessionId: s.id, format, ...(path ? { path } : {}) });
    this.exporting = false;
    if (!r.ok) return workbench.say({ tone: 'warn', text: `Export failed: ${r.error.message}` });
    if (r.value.path) return workbench.say({ tone: 'success', text: `${info.label} written to ${r.value.path}` });
    offerDownload(reportFileName(s.name, format), r.value.text, info.mime);
    workbench.say({ tone: 'success', text: `${info.label} ready: saved as a download (${reportFileName(s.name, format)}).` });
  }

  /** From the export menu: the shell's save dialog if there is one, else a download. */
  async chooseExport(format: ReportFormat): Promise<void> {
    const s = workbench.session;
    const sh = shell();
    if (!s || !sh) return this.exportReport(format);
    const info = reportFormatInfo(format);
    const path = await sh.pickSavePath({
      title: `Export the report: ${info.label}`,
      defaultName: `${dirName(s.canary.path)}${reportFileName(s.name, format)}`,
      extensions: [info.extension],
    });
    if (path) await this.exportReport(format, path);
  }
}

export const sessionFiles = new SessionFiles();
