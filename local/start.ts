/**
 * `npm start`: the whole pipeline on this machine, no AWS account needed. See `--help`.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { intOption, logLevelOption } from '../bin/cli/args.ts';
import { runCli } from '../bin/cli/run-cli.ts';
import { PIPELINE_DEFAULTS, ROUTES } from '../lambda/core/constants.ts';
import { ConfigError } from '../lib/errors.ts';
import { allowHostOption } from './allowed-hosts.ts';
import { describeAmtSource, findOrCreateLocalAmt } from './api/amt.ts';
import { AMT_ENV, LOCAL_ADDRESS, LOCAL_AMT_FILE, LOCAL_ENV_FILE, LOCAL_PATHS } from './api/constants.ts';
import { LOCAL_DEFAULTS } from './constants.ts';
import { DataDirLockError } from './data-dir-lock.ts';
import { formatLocalSettings, type LocalSettings, readLocalSettings } from './settings.ts';
import { formatStatsLine } from './stats.ts';
import type { LocalPipeline } from './types.ts';

const USAGE = `Usage: npm start -- [options]

Runs the receiver and the processor (the same modules Lambda runs) with an SQS emulator
(main queue + DLQ, the stack's redrive settings) and a DynamoDB emulator in a worker thread,
on loopback.

Options
  --port N                    HTTP port (default: $PORT or ${LOCAL_ADDRESS.port}; 0 picks a free one)
  --allow-host NAME[:PORT]    let requests with this exact Host (a tunnel's, e.g. abc.ngrok.app; any case)
                              reach the webhook routes, and only them; repeatable. The server still
                              listens on loopback; the console, /_local/* and the emulators stay
                              loopback-only
  --visibility-timeout S      main queue visibility timeout in seconds (default ${LOCAL_DEFAULTS.visibilityTimeoutSeconds});
                              a failing event reaches the DLQ after ${PIPELINE_DEFAULTS.maxReceiveCount} receives
  --dotenv PATH               .env-style file to read ${AMT_ENV} from (default ${LOCAL_ENV_FILE})
  --data-dir PATH             keep state in this folder across restarts (default ${LOCAL_DEFAULTS.dataDir}, gitignored):
                              DynamoDB (processed eventIds, vehicle state) and the messages of the main
                              queue and the DLQ, saved at Ctrl-C and restored at start (receive counts
                              and message ids are not kept: SQS sets them); every delivery is archived
                              under PATH/archive (npm run replay -- --local reads it) unless -c archive=false;
                              signed bodies the receiver cannot process under PATH/quarantine
                              (npm run quarantine -- --local, docs/quarantine.md)
  --in-memory                 keep nothing: every start begins empty, nothing is archived, and the
                              quarantine is kept in memory (the console shows it)
  --log-level LEVEL           DEBUG, INFO, WARN, ERROR or SILENT (default INFO)
  --verbose                   print every Powertools log entry and EMF line in full (default: one line
                              per delivery and per processed record; warnings and errors in full)
  --handlers PATH             a module whose defaultHandlers replace lambda/processor's, type by type
                              (watched and hot-reloaded like lambda/processor/)
  --no-reload                 do not watch lambda/processor/ (the processor then runs in this thread)
  -c, --context KEY=VALUE     a stack setting, as for cdk synth (docs/configuration.md), over the
                              context block of cdk.json; applied locally: maxReceiveCount,
                              processorTimeoutSeconds, deliveryToleranceSeconds,
                              futureToleranceSeconds, archive (false: no local archive); the others
                              are checked
  -h, --help                  this text

The AMT comes from $${AMT_ENV}, or ${AMT_ENV}=... in the env file; without one the first start
generates a development token into ${LOCAL_AMT_FILE} (gitignored; every start and command reads it).
`;

/** Starts the pipeline and resolves with 0 once it runs (it keeps running until Ctrl-C). */
async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'visibility-timeout': { type: 'string' },
      // Not --env-file: Node 20 takes that flag for itself even after the script name.
      dotenv: { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      'log-level': { type: 'string' },
      verbose: { type: 'boolean' },
      handlers: { type: 'string' },
      'no-reload': { type: 'boolean' },
      context: { type: 'string', short: 'c', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // The data folder holds bodies: whatever this process or the emulators create is this user's
  // only (files 0600, folders 0700; `private-files.ts` sets the modes of our own files explicitly).
  process.umask(0o077);
  // Pretty, human-readable Powertools logs (and no EMF lines) unless the user asked otherwise.
  process.env.POWERTOOLS_DEV ??= 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const port = intOption(values.port ?? process.env.PORT, '--port', {
    default: LOCAL_ADDRESS.port,
    min: 0,
    max: 65_535,
  });
  const allowedHosts = allowHostOption(values['allow-host'], '--allow-host');
  // The stack's settings, from the same cdk.json and through the same parser as cdk synth.
  const settings = readLocalSettings(fileURLToPath(new URL('..', import.meta.url)), values.context);
  const found = findOrCreateLocalAmt({ envFile: values.dotenv });
  // Imported late so POWERTOOLS_DEV is set before any Powertools module reads it.
  const { startPipeline } = await import('./pipeline.ts');
  const pipeline = await startPipeline({
    port,
    ...(allowedHosts.length > 0 ? { allowedHosts } : {}),
    ...(found ? { amt: found.amt } : {}),
    visibilityTimeoutSeconds: intOption(values['visibility-timeout'], '--visibility-timeout', {
      default: LOCAL_DEFAULTS.visibilityTimeoutSeconds,
      min: 1,
      max: 43_200,
    }),
    // The archive goes with the data folder (<dataDir>/archive): --in-memory keeps neither.
    ...(values['in-memory'] ? {} : { dataDir: values['data-dir'] ?? LOCAL_DEFAULTS.dataDir }),
    ...(values['log-level'] ? { logLevel: logLevelOption(values['log-level'], '--log-level')! } : {}),
    hotReload: !values['no-reload'],
    ...(values.handlers ? { handlersModule: values.handlers } : {}),
    verbose: Boolean(values.verbose),
    output: (text) => process.stdout.write(text),
    settings: settings.settings,
  });
  process.stdout.write(banner(pipeline, describeAmtSource(found), settings, allowedHosts));
  const stopSummary = liveSummary(pipeline);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      process.stderr.write('Forced exit.\n');
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the local pipeline...\n`);
    stopSummary();
    pipeline.stop().then(
      () => {
        process.stdout.write('Stopped.\n');
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`Stop failed: ${(error as Error).message}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return 0;
}

function banner(
  pipeline: LocalPipeline,
  amtSource: string | undefined,
  settings: LocalSettings,
  allowedHosts: readonly string[],
): string {
  const { endpoints } = pipeline;
  const allowedLine =
    allowedHosts.length === 0
      ? ''
      : `  Allowed hosts        ${allowedHosts.join(', ')} (--allow-host): POST ${ROUTES.DATA_PATH} and ${ROUTES.ERROR_PATH} only; the console, /_local/* and the emulators stay loopback-only\n`;
  const amtLine = amtSource ? `from ${amtSource}` : `${pipeline.amt}  (generated; LOCAL ONLY, not a Smartcar token)`;
  const sendCommand = `npm run send -- state --url ${pipeline.webhookUrl}${amtSource ? '' : ` --amt ${pipeline.amt}`}`;
  return `
Smartcar webhooks: local pipeline is running (receiver and processor from lambda/, emulators in a worker thread)

  Console              ${pipeline.url}/
  Webhook URL          ${pipeline.webhookUrl}
  Error callback URL   ${pipeline.errorCallbackUrl}
${allowedLine}  Live stats (JSON)    ${pipeline.url}${LOCAL_PATHS.STATS}
  SQS emulator         ${endpoints.sqsEndpoint}  (loopback only)
  DynamoDB emulator    ${endpoints.dynamoEndpoint}  (loopback only)
  Archive              ${endpoints.archiveDir ?? 'off'}  (npm run replay -- --local --from ... --to ...)
  AMT                  ${amtLine}
  State                ${stateLine(pipeline)}
  Settings             ${formatLocalSettings(settings)}
                       (cdk.json context and -c, as for cdk synth; the queue's visibility timeout is local)

Send a first event:
  ${sendCommand}
Inspect the DLQ:
  npm run dlq -- list --local ${pipeline.url}

Edit lambda/processor/ and the processor reloads in place (queued and DLQ messages stay).
Ctrl-C stops everything.

`;
}

function stateLine(pipeline: LocalPipeline): string {
  if (!pipeline.dataDir) return 'in memory (--in-memory): nothing is kept at Ctrl-C';
  const restored = pipeline.restored
    ? `restored ${pipeline.restored.main} queued and ${pipeline.restored.dlq} DLQ message(s)`
    : 'no saved messages';
  return `${pipeline.dataDir} (DynamoDB, queue and DLQ messages); ${restored}`;
}

/** Prints the counts whenever they change, at most once per refresh interval. */
function liveSummary(pipeline: LocalPipeline): () => void {
  let last = '';
  const timer = setInterval(() => {
    const line = formatStatsLine(pipeline.stats());
    if (line === last) return;
    last = line;
    process.stdout.write(`[stats] ${line}\n`);
  }, LOCAL_DEFAULTS.statsIntervalMs);
  return () => clearInterval(timer);
}

runCli(
  'npm start',
  USAGE,
  () => main(process.argv.slice(2)),
  (error) =>
    error instanceof ConfigError
      ? `npm start: ${error.message} (cdk.json or -c)`
      : error instanceof DataDirLockError
        ? `npm start: ${error.message}; stop that one (Ctrl-C), or give this one its own folder: --data-dir PATH, or --in-memory`
        : (error as { code?: string }).code === 'EADDRINUSE'
          ? 'The port is in use; pass --port N (or PORT=N), or --port 0 for a free one.'
          : `The local pipeline failed to start: ${(error as Error).stack ?? String(error)}`,
);
