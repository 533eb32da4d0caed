// Entry of bin/lockstep (built to out/main/cli.js).
import { main } from './main';

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    process.stderr.write(`lockstep: ${(e as Error).message}\n`);
    process.exitCode = 70;
  },
);
