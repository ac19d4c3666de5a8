#!/usr/bin/env node
/**
 * `smartcar-webhooks send|dlq|quarantine|replay|smoke [options]`: the package's one command, for a stack of
 * your own (`--stack <stack>`, or `--stack <stack>/<pipeline>` when it holds several pipelines).
 * Each subcommand is the repository's `npm run <name>`, with the same options and `--help`.
 */

/** The subcommands, each loaded only when it runs (each starts its CLI when imported). */
const COMMANDS: Readonly<Record<string, () => Promise<unknown>>> = {
  send: () => import('./send.ts'),
  dlq: () => import('./dlq.ts'),
  quarantine: () => import('./quarantine.ts'),
  replay: () => import('./replay.ts'),
  smoke: () => import('./smoke.ts'),
};

const USAGE = `Usage: smartcar-webhooks <command> [options]

Commands (each has --help)
  send      sign and post Smartcar deliveries to a deployed stack (--stack NAME) or a URL
  dlq       list, redrive or purge the dead-letter queue
  quarantine  list, show or requeue signed deliveries the receiver could not process
  replay    send a window of the archive through the pipeline again
  smoke     prove a deployed stack works end to end
`;

// An ES module: the command awaits its subcommand at the top level.
export {};

const [command = '', ...args] = process.argv.slice(2);
const run = COMMANDS[command];
if (run) {
  // Each command reads its own arguments from process.argv, as under `npm run <command> --`.
  process.argv = [process.argv[0] ?? 'node', command, ...args];
  await run();
} else {
  process.stderr.write(command && command !== '--help' ? `Unknown command: ${command}\n\n${USAGE}` : USAGE);
  process.exitCode = command === '--help' ? 0 : 2;
}
