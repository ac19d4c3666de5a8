#!/usr/bin/env -S npx tsx
/**
 * `npm run quarantine -- <list|show|requeue> [options]`: inspect the signed deliveries the
 * receiver could not process (docs/quarantine.md), and send them through the pipeline again
 * after a fix, for the local pipeline or a deployed stack. See `--help`.
 */
import { parseArgs } from 'node:util';
import { PIPELINE_DEFAULTS } from '../lambda/core/constants.ts';
import { isQuarantineReason, QUARANTINE_REASON } from '../lambda/core/quarantine-layout.ts';
import { LOCAL_ADDRESS, PORT_ENV } from '../local/api/constants.ts';
import { intOption, urlOption } from './cli/args.ts';
import { UsageError } from './cli/errors.ts';
import { localPipelineUrl } from './cli/local-address.ts';
import { describeEntry, type QuarantineSummary, requeueQuarantined } from './cli/quarantine-operations.ts';
import { type QuarantineTargetSpec, resolveQuarantineTarget } from './cli/quarantine-target.ts';
import { runCli } from './cli/run-cli.ts';

const USAGE = `Usage: npm run quarantine -- <list|show KEY|requeue [KEY...]> [target] [options]

Signed deliveries the receiver could not process as they were (not JSON, no event type, too
large, ...) are stored byte for byte in the quarantine and answered 200 (docs/quarantine.md).

Commands
  list                    key, reason, size, received at (and eventId locally) of each one
  show KEY                its metadata on stderr, then its body as stored on stdout
                          (npm run quarantine -- show KEY 2>/dev/null > body.json)
  requeue [KEY...]        classify each again with this checkout's receiver code and limits; the
                          ones it now takes are sent to the main queue with the attributes the
                          receiver sets (receivedAt as first received) and removed from the
                          quarantine; the rest stay, with the reason they would get today.
                          Without KEY: every one (or every one of --reason)

Target (default: the running npm start at http://${LOCAL_ADDRESS.host}:$${PORT_ENV}, port ${LOCAL_ADDRESS.port} when ${PORT_ENV} is unset)
  --local URL             a running \`npm start\` pipeline (its data folder's quarantine/)
  --stack NAME            a deployed stack (its QuarantineBucketName and QueueUrl outputs);
                          NAME/PIPELINE for one of several pipelines in a stack
  --bucket NAME --queue-url URL
                          explicit bucket and main queue on AWS
  --region REGION         AWS region (default: AWS_REGION / your profile)

Options
  --reason REASON         only this reason: ${Object.values(QUARANTINE_REASON).join(', ')}
  --max-body-bytes N      requeue: the body limit to classify with (default ${PIPELINE_DEFAULTS.maxBodyBytes}, the receiver's)
  --keep                  requeue: leave requeued deliveries in the quarantine too
  --json                  list, requeue: JSON instead of text
  -h, --help              this text

Examples
  npm run quarantine -- list
  npm run quarantine -- show quarantine/missing_event_type/2026/12/01/08/dlv-1.6f1c...
  npm run quarantine -- requeue --reason missing_event_type
  npm run quarantine -- list --stack SmartcarWebhooks-dev --region eu-west-1
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      local: { type: 'string' },
      stack: { type: 'string' },
      bucket: { type: 'string' },
      'queue-url': { type: 'string' },
      region: { type: 'string' },
      reason: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      keep: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [command, ...keys] = positionals;
  if (!command || !['list', 'show', 'requeue'].includes(command)) {
    throw new UsageError(command ? `Unknown command: ${command}` : 'Missing command');
  }
  if (command === 'list' && keys.length > 0) throw new UsageError('list takes no KEY');
  if (command === 'show' && keys.length !== 1) throw new UsageError('show takes exactly one KEY');
  if (values.reason !== undefined && !isQuarantineReason(values.reason)) {
    throw new UsageError(`--reason must be one of ${Object.values(QUARANTINE_REASON).join(', ')}`);
  }
  const maxBodyBytes = intOption(values['max-body-bytes'], '--max-body-bytes', {
    default: PIPELINE_DEFAULTS.maxBodyBytes,
    min: 1,
    max: PIPELINE_DEFAULTS.maxMessageSizeBytes,
  });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const target = await resolveQuarantineTarget(targetSpec(values));
  try {
    const filter = values.reason ? { reason: values.reason } : {};
    switch (command) {
      case 'list': {
        const summaries = await target.source.list(filter);
        if (values.json) {
          process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
          return 0;
        }
        process.stdout.write(
          `${target.source.description}: ${summaries.length} quarantined deliver${summaries.length === 1 ? 'y' : 'ies'}\n${formatTable(summaries)}`,
        );
        return 0;
      }
      case 'show': {
        const entry = await target.source.get(keys[0]!);
        if (!entry) throw new UsageError(`No quarantined delivery ${keys[0]} in ${target.source.description}`);
        process.stderr.write(`${describeEntry(entry)}\n`);
        process.stdout.write(entry.body);
        return 0;
      }
      default: {
        const chosen = keys.length > 0 ? keys : (await target.source.list(filter)).map((summary) => summary.key);
        const outcomes = await requeueQuarantined(target.source, target, chosen, {
          maxBodyBytes,
          keep: values.keep ?? false,
        });
        if (values.json) {
          process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
        } else {
          for (const outcome of outcomes) {
            const detail =
              outcome.outcome === 'requeued'
                ? `${outcome.eventType} ${outcome.eventId ?? ''}`.trim()
                : outcome.outcome === 'still_quarantined'
                  ? outcome.reason
                  : outcome.why;
            process.stdout.write(`${outcome.outcome.padEnd(18)} ${outcome.key}  ${detail}\n`);
          }
          const requeued = outcomes.filter((outcome) => outcome.outcome === 'requeued').length;
          process.stdout.write(`Requeued ${requeued} of ${outcomes.length}; the rest stay in the quarantine.\n`);
        }
        return outcomes.every((outcome) => outcome.outcome === 'requeued') ? 0 : 1;
      }
    }
  } finally {
    target.close();
  }
}

function targetSpec(values: {
  local?: string;
  stack?: string;
  bucket?: string;
  'queue-url'?: string;
  region?: string;
}): QuarantineTargetSpec {
  const region = values.region ? { region: values.region } : {};
  const explicit = values.bucket || values['queue-url'];
  if ([values.local, values.stack, explicit].filter(Boolean).length > 1) {
    throw new UsageError('Pass one target: --local, --stack, or --bucket with --queue-url');
  }
  if (values.stack) return { kind: 'stack', stackName: values.stack, ...region };
  if (explicit) {
    if (!values.bucket || !values['queue-url']) throw new UsageError('--bucket and --queue-url go together');
    urlOption(values['queue-url'], '--queue-url');
    return { kind: 'explicit', bucket: values.bucket, queueUrl: values['queue-url'], ...region };
  }
  urlOption(values.local, '--local');
  return { kind: 'local', url: values.local ?? localPipelineUrl() };
}

function formatTable(summaries: readonly QuarantineSummary[]): string {
  return summaries
    .map((summary) =>
      [
        (summary.reason ?? '?').padEnd(22),
        String(summary.bytes).padStart(9),
        summary.receivedAt ? new Date(summary.receivedAt).toISOString() : '-'.padEnd(24),
        summary.key,
        summary.eventId ? `eventId=${summary.eventId.slice(0, 64)}` : '',
      ]
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

runCli('quarantine', USAGE, () => main(process.argv.slice(2)));
