#!/usr/bin/env -S npx tsx
/**
 * `npm run dlq -- <list|redrive|purge> [options]`: inspect and empty the dead-letter queue of
 * the local pipeline or of a deployed stack. See `--help`.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { LOCAL_ADDRESS, LOCAL_PATHS, PORT_ENV } from '../local/api/constants.ts';
import { queueDepth } from '../local/api/sqs-client.ts';
import { intOption, urlOption } from './cli/args.ts';
import { type LastError, withLastErrors } from './cli/dlq-errors.ts';
import { type DlqEntry, peekDlq, purgeDlq, type RedriveFilter, redriveDlq } from './cli/dlq-operations.ts';
import { resolveTarget, type TargetSpec } from './cli/dlq-target.ts';
import { UsageError } from './cli/errors.ts';
import { localPipelineUrl } from './cli/local-address.ts';
import { ndjson } from './cli/ndjson.ts';
import { runCli } from './cli/run-cli.ts';

const USAGE = `Usage: npm run dlq -- <list|redrive|purge> [target] [options]

Commands
  list                    show DLQ messages without consuming them: event type, eventId, vehicle,
                          receive count, when it was received, and the last error processing it
                          threw (locally from the pipeline, ${LOCAL_PATHS.DELIVERIES}/{eventId}; on AWS
                          with --errors, from the processor's log group).
                          Peeking receives each message and makes it visible again at once, so it
                          increments the messages' receive counts.
  redrive                 move messages back to the main queue to be processed again
                          (fix the cause first). Unfiltered on AWS: an SQS message move task
                          (StartMessageMoveTask). Filtered, or locally: receive, send, delete.
  purge                   delete every DLQ message (asks first unless --yes)

Target (default: the running npm start at http://${LOCAL_ADDRESS.host}:$${PORT_ENV}, port ${LOCAL_ADDRESS.port} when ${PORT_ENV} is unset)
  --local URL             a running \`npm start\` pipeline (its ${LOCAL_PATHS.ENDPOINTS})
  --stack NAME            a deployed stack, e.g. SmartcarWebhooks-dev (its QueueUrl / DeadLetterQueueUrl outputs)
  --queue-url URL --dlq-url URL
                          explicit queue URLs on AWS
  --log-group NAME        with --queue-url/--dlq-url: the processor's log group, for --errors
  --region REGION         AWS region (default: AWS_REGION / your profile)

Options
  --max N                 list: at most N messages (default 50)
  --errors                list on AWS: look up each message's last error in the processor's log group
                          (CloudWatch Logs FilterLogEvents; needs logs:FilterLogEvents). Always on locally
  --event-id ID           redrive: only this eventId (repeatable)
  --type TYPE             redrive: only this event type, e.g. VEHICLE_STATE
  --yes, -y               purge: do not ask
  --json                  NDJSON on stdout: list writes one {"type":"message",...} line per message,
                          redrive one per message moved (by hand), then one {"type":"summary",...}
                          line (command, target, and count / moved, kept, mode / purged); purge
                          with --json needs --yes
  -h, --help              this text

Examples
  npm run dlq -- list
  PORT=8080 npm run dlq -- list
  npm run dlq -- redrive --event-id 5a8e... --local http://127.0.0.1:3000
  npm run dlq -- list --stack SmartcarWebhooks-dev --region eu-west-1 --errors
  npm run dlq -- redrive --stack SmartcarWebhooks-dev
  npm run dlq -- purge --stack SmartcarWebhooks-dev --yes
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      local: { type: 'string' },
      stack: { type: 'string' },
      'queue-url': { type: 'string' },
      'dlq-url': { type: 'string' },
      'log-group': { type: 'string' },
      region: { type: 'string' },
      errors: { type: 'boolean' },
      max: { type: 'string' },
      'event-id': { type: 'string', multiple: true },
      type: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (!command || extra.length > 0 || !['list', 'redrive', 'purge'].includes(command)) {
    throw new UsageError(command ? `Unknown command: ${positionals.join(' ')}` : 'Missing command');
  }
  if (values.errors && command !== 'list') throw new UsageError('--errors only applies to list');
  const max = intOption(values.max, '--max', { default: 50, min: 1, max: 10_000 });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const target = await resolveTarget(targetSpec(values));
  const out = values.json ? ndjson((text) => process.stdout.write(text)) : undefined;
  try {
    switch (command) {
      case 'list': {
        const peeked = await peekDlq(target, { max });
        const entries = target.lastErrors ? await withLastErrors(peeked, target.lastErrors) : peeked;
        if (out) {
          for (const entry of entries) out.line('message', entry);
          out.summary({ command, target: target.description, count: entries.length });
          return 0;
        }
        process.stdout.write(
          `${target.description}: ${entries.length} message(s) in the DLQ\n${formatTable(entries, Boolean(target.lastErrors))}`,
        );
        if (!target.lastErrors && entries.length > 0) {
          process.stdout.write("Add --errors to look up each message's last error in the processor's log group.\n");
        }
        return 0;
      }
      case 'redrive': {
        const filter: RedriveFilter = {
          ...(values['event-id'] ? { eventIds: values['event-id'] } : {}),
          ...(values.type ? { eventType: values.type } : {}),
        };
        const result = await redriveDlq(target, filter, {
          ...(out
            ? {
                onMoved: (moved: DlqEntry[]) => {
                  for (const entry of moved) out.line('message', entry);
                },
              }
            : {}),
        });
        if (out) {
          out.summary({ command, target: target.description, ...result });
          return result.mode === 'manual' && result.moved === 0 && (filter.eventIds || filter.eventType) ? 1 : 0;
        }
        if (result.mode === 'move-task') {
          process.stdout.write(
            `Started an SQS message move task from the DLQ to the main queue (task handle ${result.taskHandle}).\nProgress: aws sqs list-message-move-tasks --source-arn <DLQ ARN>\n`,
          );
          return 0;
        }
        if (result.moved === 0 && (filter.eventIds || filter.eventType)) {
          process.stdout.write(
            `No DLQ message matches ${describeFilter(filter)}: nothing moved; ${result.kept} message(s) left in the DLQ (npm run dlq -- list shows them).\n`,
          );
          return 1;
        }
        process.stdout.write(
          `Moved ${result.moved} message(s) back to the main queue; ${result.kept} left in the DLQ.\n`,
        );
        return 0;
      }
      default: {
        const count = await queueDepth(target.sqs, target.deadLetterQueueUrl);
        if (out) {
          if (!values.yes) throw new UsageError('purge --json needs --yes (there is no one to ask)');
          await purgeDlq(target);
          out.summary({ command, target: target.description, purged: count });
          return 0;
        }
        if (
          !values.yes &&
          !(await confirm(`Delete all ${count} message(s) in the DLQ of ${target.description}? [y/N] `))
        ) {
          process.stdout.write('Nothing deleted.\n');
          return 1;
        }
        await purgeDlq(target);
        process.stdout.write(`Purged the DLQ of ${target.description} (${count} message(s)).\n`);
        return 0;
      }
    }
  } finally {
    target.close();
  }
}

function targetSpec(values: {
  local?: string;
  stack?: string;
  'queue-url'?: string;
  'dlq-url'?: string;
  'log-group'?: string;
  region?: string;
  errors?: boolean;
}): TargetSpec {
  const region = values.region ? { region: values.region } : {};
  const explicit = values['queue-url'] || values['dlq-url'];
  if ([values.local, values.stack, explicit].filter(Boolean).length > 1) {
    throw new UsageError('Pass one target: --local, --stack, or --queue-url with --dlq-url');
  }
  if (values['log-group'] && !explicit)
    throw new UsageError('--log-group goes with --queue-url/--dlq-url (a --stack names its own)');
  if (values.stack)
    return { kind: 'stack', stackName: values.stack, ...region, ...(values.errors ? { errors: true } : {}) };
  if (explicit) {
    if (!values['queue-url'] || !values['dlq-url']) throw new UsageError('--queue-url and --dlq-url go together');
    urlOption(values['queue-url'], '--queue-url');
    urlOption(values['dlq-url'], '--dlq-url');
    if (values.errors && !values['log-group'])
      throw new UsageError("--errors with --queue-url/--dlq-url needs --log-group NAME (the processor's log group)");
    return {
      kind: 'explicit',
      queueUrl: values['queue-url'],
      deadLetterQueueUrl: values['dlq-url'],
      ...region,
      ...(values.errors ? { logGroupName: values['log-group'] } : {}),
    };
  }
  urlOption(values.local, '--local');
  return { kind: 'local', url: values.local ?? localPipelineUrl() };
}

function describeFilter(filter: RedriveFilter): string {
  return [
    ...(filter.eventIds ?? []).map((id) => `--event-id ${id}`),
    ...(filter.eventType ? [`--type ${filter.eventType}`] : []),
  ].join(' ');
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError('purge needs --yes when there is no terminal to ask');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function formatTable(entries: ReadonlyArray<DlqEntry & { lastError?: LastError }>, withErrors: boolean): string {
  if (entries.length === 0) return '';
  const header = [
    'EVENT TYPE',
    'EVENT ID',
    'VEHICLE',
    'RECEIVES',
    'RECEIVED AT',
    ...(withErrors ? ['LAST ERROR'] : []),
  ];
  const rows = entries.map((e) => [
    e.eventType,
    e.eventId,
    e.vehicleId,
    String(e.receiveCount),
    e.sentAt,
    // One line per message, whatever the error's message holds.
    ...(withErrors ? [e.lastError ? `${e.lastError.name}: ${e.lastError.message}`.replace(/\s+/g, ' ') : '-'] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return `${[header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

runCli(`dlq ${process.argv[2] ?? ''}`, USAGE, () => main(process.argv.slice(2)));
