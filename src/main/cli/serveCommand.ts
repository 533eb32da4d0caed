// `lockstep serve`: the workbench in a browser, for build machines and for
// machines where Electron cannot run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appVersion, defaultDataDir, demoPair, RENDERER_DIR } from '../hosts/appPaths';
import { startHttpHost } from '../hosts/httpHost';
import { DataDirError, DataDirInUse, Workbench } from '../service/workbench';
import { parseArgs, UsageError, type CommandSpec } from './args';
import { writeStderr, writeStdout } from './output';

const SERVE_SPEC: CommandSpec = {
  prog: 'lockstep serve',
  summary:
    'Serve the workbench on http://127.0.0.1 (this machine only) behind a random per-run token;\n' + 'open the printed URL in a browser. Ctrl-C stops it.',
  options: [
    { name: '--port', value: 'N', help: 'port to listen on (default: a free one)' },
    { name: '--open', help: 'open the workbench in the default browser' },
    { name: '--data-dir', value: 'DIR', help: 'where the index and sessions live (default: $LOCKSTEP_DATA_DIR or ~/.local/share/lockstep)' },
  ],
};

function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(cmd, [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => writeStderr(`could not start a browser (${cmd}); open ${url} yourself\n`));
  child.unref();
}

export async function runServe(argv: string[]): Promise<number> {
  const args = parseArgs(SERVE_SPEC, argv);
  const portArg = args.get('--port');
  const port = portArg === undefined ? 0 : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(SERVE_SPEC, `argument --port: not a port: '${String(portArg)}'`);
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    writeStderr(`lockstep serve: the workbench is not built (${RENDERER_DIR}); run npm run build\n`);
    return 1;
  }
  let workbench: Workbench;
  try {
    workbench = new Workbench({
      dataDir: (args.get('--data-dir') as string | undefined) ?? defaultDataDir(),
      host: 'browser',
      version: appVersion(),
      demo: demoPair(),
    });
  } catch (e) {
    if (!(e instanceof DataDirError) && !(e instanceof DataDirInUse)) throw e;
    writeStderr(`lockstep serve: ${e.message}\n`);
    return 1;
  }
  let host;
  try {
    host = await startHttpHost({ workbench, rendererDir: RENDERER_DIR, port });
  } catch (e) {
    workbench.close();
    writeStderr(`lockstep serve: cannot listen on 127.0.0.1:${port} (${(e as Error).message})\n`);
    return 1;
  }
  writeStdout(`Lockstep workbench: ${host.url}\n`);
  if (args.has('--open')) openInBrowser(host.url);
  await new Promise<void>((done) => {
    const stop = (): void => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
  workbench.close();
  return 0;
}
