import { processIo } from './output.js';
import { buildProgram } from './program.js';

// `leadsync …`: the command line of program.ts on the process's own streams and environment.
const program = buildProgram(processIo, (code) => (process.exitCode = code));
program.exitOverride((err) => {
  process.exitCode = err.exitCode === 0 ? 0 : 2;
  throw err;
});
try {
  await program.parseAsync(process.argv);
} catch {
  // commander already printed the usage error or help.
}
