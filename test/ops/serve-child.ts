// `docinline serve` as its own process, through tsx (the CLI entry looks for compiled commands): the ops
// tests read its real stdout and send it real signals.
import { run } from '../../adapters/node/commands/serve.js';

process.exitCode = await run(process.argv.slice(2));
