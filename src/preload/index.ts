// Preload (sandboxed, context-isolated): exposes exactly the contract's
// transport to the page (request, events) and the shell's dialogs, and
// nothing of Node or Electron.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { EventName, Events, RequestArg, RequestName, RequestResult, Result, Shell, Transport } from '../shared/api';

const transport: Transport = {
  request<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<Result<RequestResult<K>>> {
    return ipcRenderer.invoke('lockstep:request', name, arg) as Promise<Result<RequestResult<K>>>;
  },
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const handler = (_: unknown, name: EventName, payload: Events[E]): void => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('lockstep:event', handler);
    return () => ipcRenderer.removeListener('lockstep:event', handler);
  },
};

const shell: Shell = {
  pathForFile: (file: File) => webUtils.getPathForFile(file),
  pickLogs: () => ipcRenderer.invoke('lockstep:pick-logs') as Promise<{ canaryPath: string; oursPath: string } | null>,
  pickSessionFile: () => ipcRenderer.invoke('lockstep:pick-session-file') as Promise<string | null>,
  pickSavePath: (opts) => ipcRenderer.invoke('lockstep:pick-save-path', opts) as Promise<string | null>,
};

contextBridge.exposeInMainWorld('lockstep', transport);
contextBridge.exposeInMainWorld('lockstepShell', shell);
