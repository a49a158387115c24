/** Process entry of the `motcua` command (bin/motcua.js runs the compiled copy). */
import { runCli } from './main.js';

const code = await runCli(process.argv);
if (code !== 0) process.exit(code);
