// Entry of bin/lockstep (built to out/main/cli.js).
import { main } from './main';
import { pythonArgv } from './rawArgv';

main(pythonArgv()).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    process.stderr.write(`lockstep: ${(e as Error).message}\n`);
    process.exitCode = 70;
  },
);
