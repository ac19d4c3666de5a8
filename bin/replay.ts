#!/usr/bin/env -S npx tsx
/**
 * `npm run replay -- --stack NAME --from ISO --to ISO [filters]`: send a window of the archive
 * through the pipeline again, once per run, after a handler fix. See `--help`.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { ArchivedDelivery } from '../lambda/core/archive-record.ts';
import { redactPersonalData } from '../lambda/processor/redact.ts';
import { LOCAL_ADDRESS, REPLAY_SOURCE_ATTRIBUTE } from '../local/api/constants.ts';
import { intOption } from './cli/args.ts';
import { UsageError } from './cli/errors.ts';
import { ndjson } from './cli/ndjson.ts';
import { type ReplayCounts, type ReplayRunOptions, type ReplaySummary, runReplay } from './cli/replay-run.ts';
import { type ReplayTargetSpec, resolveReplayTarget } from './cli/replay-target.ts';
import { runCli } from './cli/run-cli.ts';

const DEFAULT_LOCAL_URL = `http://${LOCAL_ADDRESS.host}:${LOCAL_ADDRESS.port}`;
const DEFAULT_RATE = 100;
const DEFAULT_LATE_HOURS = 1;

const USAGE = `Usage: npm run replay -- (--stack NAME [--into-local [URL]] | --local [URL]) --from TIME --to TIME [options]

Reads the archive (every delivery, byte for byte, filed by UTC hour) for the hours of the window,
plus the 20 minutes before --from (Firehose files an object under the hour of its OLDEST record
and buffers up to 15 minutes, so a 09:01 delivery can sit under 08/), keeps the deliveries the
receiver accepted in [--from, --to) that pass the filters, and sends each raw body to the main
queue with its original attributes plus a replayId (one per run, printed first). The processor
runs each replayed event's handler again, once per run, even if its eventId was handled before;
handlers see event.replay.id. Older signal values than the stored ones are still skipped by the
freshness store. Replays never pass through the receiver.

Target (one of)
  --stack NAME            a deployed stack, e.g. SmartcarWebhooks-dev: its ArchiveBucketName and
                          QueueUrl outputs (needs cloudformation:DescribeStacks, s3:ListBucket,
                          s3:GetObject and sqs:SendMessage)
  --local [URL]           a running npm start pipeline (default ${DEFAULT_LOCAL_URL}): its archive
                          folder and queue
  --stack NAME --into-local [URL]
                          production on your laptop: read the window from the stack's archive
                          bucket (your AWS credentials: cloudformation:DescribeStacks,
                          s3:ListBucket, s3:GetObject) and put each delivery into the queue of the
                          running npm start (default ${DEFAULT_LOCAL_URL}) with its original
                          attributes, so local handler code runs on it. Bodies stay byte for byte
                          (no re-signing); the console lists each as "from NAME" with the window,
                          the stack's receivedAt and the original deliveryId. First prints what
                          it will copy (count, window, stack) and copies only with --yes or a y
                          at the terminal
  --region REGION         AWS region (default: AWS_REGION / your profile)

Window (required)
  --from TIME             start, inclusive, ISO 8601 with a zone: 2026-12-01T08:00Z
  --to TIME               end, exclusive, e.g. 2026-12-01T12:00Z

Filters (all optional, combined with AND)
  --type TYPE             only this event type, e.g. VEHICLE_STATE or VEHICLE_ERROR
  --vehicle ID            only this vehicle (the body's vehicleId or data.vehicle.id)
  --event-id ID           only this eventId (repeatable)

Options
  --dry-run               read and count, send nothing
  --yes, -y               --into-local: copy without asking (needed when there is no terminal)
  --redact                --into-local: replace VINs and locations in the bodies (vin, latitude,
                          longitude, as the processor's logs do) before they leave for the laptop
  --json                  NDJSON on stdout: a {"type":"run"} line, with --into-local a {"type":"plan"}
                          line, one {"type":"record",...} line per matched delivery (eventId,
                          eventType, deliveryId, receivedAt, result), any {"type":"unreadable"}
                          lines, then {"type":"summary",...} (matched, sent, skipped, failed, ...)
  --rate N                at most N messages per second (default ${DEFAULT_RATE}), so a large replay
                          leaves the processor room for live traffic
  --late-hours N          also read the N hours after --to (default ${DEFAULT_LATE_HOURS}, at least 15 minutes):
                          objects are filed by when they were archived, seconds after receipt,
                          or later if the processor was behind (raise it after a backlog)
  -h, --help              this text

Output: the replayId, a progress line (objects read, matched, sent, failed), then a summary:
matched, sent, skipped (outside the window or filtered out), failed, and every object or line
that could not be read (a truncated object is reported, never skipped silently). Exit code 1
when anything failed or could not be read.

Examples
  npm run replay -- --stack SmartcarWebhooks-dev --from 2026-12-01T08:00Z --to 2026-12-01T12:00Z --dry-run
  npm run replay -- --stack SmartcarWebhooks-dev --from 2026-12-01T08:00Z --to 2026-12-01T12:00Z --type VEHICLE_STATE --rate 50
  npm run replay -- --local --from 2026-12-01T08:00Z --to 2026-12-01T09:00Z --vehicle 36ab27d0-fd9d-4455-823a-ce30af709ffc
  npm run replay -- --stack SmartcarWebhooks-prod --from 2026-12-01T08:00Z --to 2026-12-01T09:00Z --into-local --redact --yes
`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: withUrlDefault(withUrlDefault(argv, '--local'), '--into-local'),
    options: {
      stack: { type: 'string' },
      local: { type: 'string' },
      'into-local': { type: 'string' },
      region: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      type: { type: 'string' },
      vehicle: { type: 'string' },
      'event-id': { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      rate: { type: 'string' },
      'late-hours': { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      redact: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const intoLocal = values['into-local'];
  if (intoLocal !== undefined && !values.stack)
    throw new UsageError('--into-local copies a deployed window: pass --stack NAME too');
  if (intoLocal !== undefined && values.local) throw new UsageError('Pass --local or --into-local, not both');
  if (intoLocal === undefined && Boolean(values.stack) === Boolean(values.local))
    throw new UsageError('Pass one target: --stack NAME or --local [URL]');
  if ((values.redact || values.yes) && intoLocal === undefined)
    throw new UsageError('--redact and --yes go with --into-local (a copy out of AWS)');
  const from = timeOption(values.from, '--from');
  const to = timeOption(values.to, '--to');
  if (to <= from) throw new UsageError('--to must be after --from');
  const rate = intOption(values.rate, '--rate', { default: DEFAULT_RATE, min: 1, max: 3_000 });
  const lateHours = intOption(values['late-hours'], '--late-hours', {
    default: DEFAULT_LATE_HOURS,
    min: 0,
    max: 24 * 14,
  });
  const region = values.region ? { region: values.region } : {};
  const spec: ReplayTargetSpec =
    intoLocal !== undefined
      ? { kind: 'into-local', stackName: values.stack!, localUrl: intoLocal, ...region }
      : values.stack
        ? { kind: 'stack', stackName: values.stack, ...region }
        : { kind: 'local', url: values.local! };
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dryRun = Boolean(values['dry-run']);
  const json = values.json ? ndjson((text) => process.stdout.write(text)) : undefined;
  const say = (text: string): void => {
    if (!json) process.stdout.write(text);
  };

  const replayId = `replay-${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}-${randomUUID().slice(0, 8)}`;
  const target = await resolveReplayTarget(spec);
  try {
    const window = `${new Date(from).toISOString()}/${new Date(to).toISOString()}`;
    const source = intoLocal !== undefined ? `stack ${values.stack} ${window}` : undefined;
    const base: Omit<ReplayRunOptions, 'dryRun'> = {
      source: target.source,
      sqs: target.sqs,
      queueUrl: target.queueUrl,
      filter: {
        from,
        to,
        ...(values.type ? { eventType: values.type } : {}),
        ...(values.vehicle ? { vehicleId: values.vehicle } : {}),
        ...(values['event-id'] ? { eventIds: values['event-id'] } : {}),
      },
      replayId,
      rate,
      lateHours,
      ...(values.redact ? { transform: redactDelivery } : {}),
      ...(source
        ? { extraAttributes: { [REPLAY_SOURCE_ATTRIBUTE]: { DataType: 'String', StringValue: source } } }
        : {}),
      ...(json
        ? {
            onRecord: (delivery: Readonly<ArchivedDelivery>, result: 'matched' | 'sent' | 'failed') =>
              json.line('record', recordFields(delivery, result)),
          }
        : {}),
    };
    if (json) json.line('run', { replayId, window, from: target.source.description, into: target.description, dryRun });
    say(
      `replayId ${replayId}\n${dryRun ? 'Dry run: counting' : 'Replaying'} ${new Date(from).toISOString()} to ${new Date(to).toISOString()} from ${target.source.description} into ${target.description}\n`,
    );
    if (source && !dryRun) {
      // The bodies hold VINs and locations: say what leaves AWS, and copy only once that is confirmed.
      const plan = await runReplay({ ...base, dryRun: true, onRecord: undefined });
      const what = `${plan.matched} deliveries (stack ${values.stack}, window ${window})`;
      if (json)
        json.line('plan', { stack: values.stack, window, deliveries: plan.matched, redact: Boolean(values.redact) });
      say(
        `About to copy ${what} from ${target.source.description} to this machine and into ${target.description}${values.redact ? ' (VINs and locations redacted)' : ' with their VINs and locations (--redact replaces them)'}.\n`,
      );
      if (plan.matched === 0) {
        if (json) json.summary({ ...summaryFields(plan), copied: false });
        say('Nothing to copy.\n');
        return plan.unreadable.length > 0 ? 1 : 0;
      }
      if (!values.yes && !(await confirm('Copy them? [y/N] ', Boolean(json)))) {
        if (json)
          json.summary({ ...summaryFields(plan), sent: 0, copied: false, refused: 'not confirmed: pass --yes' });
        process.stderr.write(
          'Nothing copied: pass --yes (or answer y at a terminal) to copy production deliveries here.\n',
        );
        return 1;
      }
    }
    const bar = json ? undefined : progressBar();
    const summary = await runReplay({ ...base, dryRun, ...(bar ? { onProgress: bar.update } : {}) });
    bar?.done();
    if (json) {
      for (const part of summary.unreadable) json.line('unreadable', { ...part });
      json.summary({ ...summaryFields(summary), dryRun, ...(source ? { source } : {}) });
    } else say(formatSummary(summary, dryRun));
    return summary.failed > 0 || summary.unreadable.length > 0 ? 1 : 0;
  } finally {
    target.close();
  }
}

/** `--redact`: the body with VINs and locations replaced as the processor's logs replace them. */
function redactDelivery(delivery: ArchivedDelivery): ArchivedDelivery {
  let parsed: unknown;
  try {
    parsed = JSON.parse(delivery.body);
  } catch {
    return delivery;
  }
  return { ...delivery, body: JSON.stringify(parsed, redactPersonalData) };
}

/** One `--json` record line: which delivery, when the receiver took it, and what became of it (never the body). */
function recordFields(delivery: Readonly<ArchivedDelivery>, result: string): Record<string, unknown> {
  return {
    eventId: delivery.eventId ?? null,
    eventType: delivery.eventType,
    deliveryId: delivery.deliveryId ?? null,
    route: delivery.route,
    receivedAt: new Date(delivery.receivedAt).toISOString(),
    result,
  };
}

function summaryFields(summary: ReplaySummary): Record<string, unknown> {
  const { unreadable, ...counts } = summary;
  const perSecond = summary.elapsedMs > 0 ? Number(((summary.sent / summary.elapsedMs) * 1000).toFixed(1)) : 0;
  return { ...counts, unreadable: unreadable.length, messagesPerSecond: perSecond };
}

/** Asks at a terminal; with no terminal (or in --json mode) the answer is no. */
async function confirm(question: string, noPrompt: boolean): Promise<boolean> {
  if (noPrompt || !process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** `--local` and `--into-local` may stand alone: they then mean the default local URL. */
function withUrlDefault(argv: string[], option: string): string[] {
  return argv.flatMap((arg, i) =>
    arg === option && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('-')) ? [arg, DEFAULT_LOCAL_URL] : [arg],
  );
}

function timeOption(value: string | undefined, name: string): number {
  if (!value) throw new UsageError(`${name} is required (ISO 8601 with a zone, e.g. 2026-12-01T08:00Z)`);
  const ms = Date.parse(value);
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(value) || Number.isNaN(ms))
    throw new UsageError(`${name} must be ISO 8601 with a zone (e.g. 2026-12-01T08:00Z), got "${value}"`);
  return ms;
}

/** A bar over the archive objects with the counts; redrawn in place on a terminal, a line a second otherwise. */
function progressBar(): { update(counts: Readonly<ReplayCounts>): void; done(): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let line = '';
  const render = (c: Readonly<ReplayCounts>): string => {
    const width = 24;
    const filled = c.objects === 0 ? width : Math.round((c.objectsRead / c.objects) * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] objects ${c.objectsRead}/${c.objects} | matched ${c.matched} | sent ${c.sent} | failed ${c.failed}`;
  };
  return {
    update(counts) {
      line = render(counts);
      if (tty) process.stderr.write(`\r${line}`);
      else if (Date.now() - last >= 1_000) {
        last = Date.now();
        process.stderr.write(`${line}\n`);
      }
    },
    done() {
      process.stderr.write(tty ? '\n' : `${line}\n`);
    },
  };
}

function formatSummary(summary: ReplaySummary, dryRun: boolean): string {
  const rate = summary.elapsedMs > 0 ? ((summary.sent / summary.elapsedMs) * 1000).toFixed(1) : '0';
  const lines = [
    `Summary (replayId ${summary.replayId}${dryRun ? ', dry run: nothing sent' : ''})`,
    `  matched  ${summary.matched}`,
    `  sent     ${summary.sent}`,
    `  skipped  ${summary.skipped}  (outside the window or filtered out)`,
    `  failed   ${summary.failed}`,
    `  objects  ${summary.objectsRead} read in ${(summary.elapsedMs / 1000).toFixed(1)} s (${rate} messages/s)`,
  ];
  if (summary.unreadable.length > 0) {
    lines.push(`  UNREADABLE ${summary.unreadable.length} (these deliveries were not replayed):`);
    for (const part of summary.unreadable)
      lines.push(`    ${part.key}${part.line ? ` line ${part.line}` : ''}: ${part.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

runCli('replay', USAGE, () => main(process.argv.slice(2)));
