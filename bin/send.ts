#!/usr/bin/env -S npx tsx
/**
 * `npm run send -- [verify|state|error] [options]`: builds (or reads) Smartcar webhook
 * deliveries, signs them with the AMT, posts them and checks each answer. See `--help`.
 */
import { parseArgs } from 'node:util';
import { ROUTES } from '../lambda/core/constants.ts';
import { describeSignal } from '../lib/signal-catalogue.ts';
import { describeAmtSource } from '../local/api/amt.ts';
import { AMT_ENV, LOCAL_ADDRESS, LOCAL_AMT_FILE, LOCAL_ENV_FILE, PORT_ENV } from '../local/api/constants.ts';
import { requireAmt } from './cli/amt.ts';
import { choiceOption, fileOption, intOption, numberOption } from './cli/args.ts';
import { UsageError } from './cli/errors.ts';
import { ndjson } from './cli/ndjson.ts';
import { runCli } from './cli/run-cli.ts';
import { buildPayload, planDeliveries, type SendKind } from './cli/send-plan.ts';
import { type DeliveryResult, sendDeliveries, sendSummary, summarize } from './cli/send-run.ts';
import { resolveSendUrl } from './cli/send-target.ts';

const USAGE = `Usage: npm run send -- [verify|state|error] [options]

Sends signed Smartcar webhook deliveries (payload 4.0) and checks the answers.
Exit code 0 when every answer is as expected, 1 when one is not, 2 for a bad command line.

Event (default: state)
  verify                  a VERIFY challenge; checks the answer is HMAC-SHA256(AMT, challenge)
  state                   a VEHICLE_STATE event
  error                   a VEHICLE_ERROR event
  --file PATH             send this file byte for byte instead of building a payload (a missing file exits 2)
  --print                 write the payload it would build to stdout and send nothing (a file to edit for --file)
  --restamp               with --file: set meta.deliveredAt to now (re-serialised JSON, then signed), so an
                          old capture passes the receiver's replay window; for local testing only
  --variant NAME          reference (data.triggers, fetchedAt) or captured (top-level triggers, retrievedAt)
  --test                  meta.mode TEST, like a Dashboard test delivery
  --vehicle ID            vehicle id (default: a new one per event)
  --signals N|all|CODES   VEHICLE_STATE signals: a count of the default mix (default 12), all for one of every
                          documented signal, or comma-separated codes (e.g. tractionbattery-range,charge-ischarging),
                          each with its example body from the signal catalogue (docs/signals.md)
  --soc N                 VEHICLE_STATE state-of-charge value
  --resolved              VEHICLE_ERROR with state RESOLVED instead of ERROR
  --challenge TEXT        VERIFY challenge (default: a random UUID)
  --event-id ID           eventId (with --count > 1 every event shares it)

Target
  --url URL               where to post (default: the running npm start, http://${LOCAL_ADDRESS.host}:$${PORT_ENV}${ROUTES.DATA_PATH},
                          port ${LOCAL_ADDRESS.port} when ${PORT_ENV} is unset). A URL without a path gets the route's path
  --error-route           post to the "Vehicle error callback URI" route instead (${ROUTES.ERROR_PATH}); with --url,
                          a URL ending in ${ROUTES.DATA_PATH} gets ${ROUTES.ERROR_PATH} instead, any other path is refused
  --stack NAME            post to a deployed stack (its WebhookUrl / ErrorCallbackUrl outputs)
  --region REGION         region of --stack (default: AWS_REGION)
  --amt TOKEN             Application Management Token; default: $${AMT_ENV}, then ${AMT_ENV} in the env file,
                          then the development token npm start keeps in ${LOCAL_AMT_FILE}
  --dotenv PATH           .env-style file to read ${AMT_ENV} from (default ${LOCAL_ENV_FILE})

Load and checks
  --count N               events to send (default 1)
  --concurrency N         requests in flight (default 1)
  --duplicate-rate R      0..1: share of events delivered twice with the same eventId, as Smartcar retries do
  --bad-signature         sign with a wrong key: data events must get 401 (an opaque VERIFY is still answered)
  --expect-status N       expect exactly this status instead
  --timeout MS            per-request timeout (default 10000)
  --quiet                 only the summary
  --json                  NDJSON on stdout: one {"type":"delivery",...} line per answer (eventType,
                          eventId, redelivery, status, ok, latencyMs, problem), then one
                          {"type":"summary",...} line (sent, events, redeliveries, statuses, latencyMs, ok)
  -h, --help              this text

Examples
  npm run send -- state
  PORT=8080 npm run send -- state
  npm run send -- state --print > payload.json && npm run send -- --file payload.json
  npm run send -- verify --url https://abc.execute-api.eu-west-1.amazonaws.com/webhooks/smartcar
  npm run send -- state --signals all
  npm run send -- state --signals location-preciselocation,closure-doors --print
  npm run send -- state --count 200 --concurrency 8 --duplicate-rate 0.1
  npm run send -- error --error-route --resolved
  npm run send -- --file captured.json --amt "$${AMT_ENV}"
  npm run send -- --file old-capture.json --restamp
  npm run send -- state --bad-signature
`;

/** `--signals`: a count of the default mix, `all`, or catalogue codes separated by commas. */
function signalsOption(text: string): { signalCount: number } | { signalCodes: 'all' | string[] } {
  if (/^\d+$/.test(text)) return { signalCount: intOption(text, '--signals', { default: 12, min: 0, max: 10_000 }) };
  if (text === 'all') return { signalCodes: 'all' };
  const codes = text
    .split(',')
    .map((code) => code.trim())
    .filter(Boolean);
  const unknown = codes.filter((code) => !describeSignal(code));
  if (unknown.length > 0 || codes.length === 0) {
    throw new UsageError(
      `--signals: not a count, all, or signal codes of the catalogue: ${unknown.join(', ') || text}`,
    );
  }
  return { signalCodes: codes };
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      restamp: { type: 'boolean' },
      print: { type: 'boolean' },
      variant: { type: 'string' },
      test: { type: 'boolean' },
      vehicle: { type: 'string' },
      signals: { type: 'string' },
      soc: { type: 'string' },
      resolved: { type: 'boolean' },
      challenge: { type: 'string' },
      'event-id': { type: 'string' },
      url: { type: 'string' },
      'error-route': { type: 'boolean' },
      stack: { type: 'string' },
      region: { type: 'string' },
      amt: { type: 'string' },
      // Not --env-file: Node 20 takes that flag for itself even after the script name.
      dotenv: { type: 'string' },
      count: { type: 'string' },
      concurrency: { type: 'string' },
      'duplicate-rate': { type: 'string' },
      'bad-signature': { type: 'boolean' },
      'expect-status': { type: 'string' },
      timeout: { type: 'string' },
      quiet: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`Expected at most one event kind, got: ${positionals.join(' ')}`);
  const kind = choiceOption(
    positionals[0],
    'the event kind',
    ['verify', 'state', 'error'] as const,
    'state',
  ) as SendKind;
  const payload = {
    kind,
    ...(values.variant
      ? { variant: choiceOption(values.variant, '--variant', ['reference', 'captured'] as const, 'reference') }
      : {}),
    ...(values.test ? { mode: 'TEST' as const } : {}),
    ...(values.vehicle ? { vehicleId: values.vehicle } : {}),
    ...(values.signals ? signalsOption(values.signals) : {}),
    ...(values.soc ? { stateOfCharge: intOption(values.soc, '--soc', { default: 78, min: 0, max: 100 }) } : {}),
    ...(values.resolved ? { errorState: 'RESOLVED' as const } : {}),
    ...(values.challenge ? { challenge: values.challenge } : {}),
    ...(values['event-id'] ? { eventId: values['event-id'] } : {}),
  };
  if (values.print) {
    if (values.file) throw new UsageError('--print writes a built payload; with --file there is nothing to build');
    process.stdout.write(`${JSON.stringify(buildPayload(payload), null, 2)}\n`);
    return 0;
  }
  const file = fileOption(values.file, '--file');
  const url = await resolveSendUrl({
    url: values.url,
    stack: values.stack,
    region: values.region,
    errorRoute: Boolean(values['error-route']),
  });
  const found = requireAmt({ explicit: values.amt, envFile: values.dotenv });

  const deliveries = planDeliveries({
    ...payload,
    ...(file ? { file } : {}),
    ...(values.restamp ? { restamp: true } : {}),
    amt: found.amt,
    count: intOption(values.count, '--count', { default: 1, min: 1, max: 100_000 }),
    duplicateRate: numberOption(values['duplicate-rate'], '--duplicate-rate', { default: 0, min: 0, max: 1 }),
    badSignature: Boolean(values['bad-signature']),
    ...(values['expect-status']
      ? { expectStatus: intOption(values['expect-status'], '--expect-status', { default: 200, min: 100, max: 599 }) }
      : {}),
  });
  const concurrency = intOption(values.concurrency, '--concurrency', { default: 1, min: 1, max: 256 });
  const timeoutMs = intOption(values.timeout, '--timeout', { default: 10_000, min: 1 });

  if (values.json) {
    const out = ndjson((text) => process.stdout.write(text));
    const results = await sendDeliveries(deliveries, {
      url,
      amt: found.amt,
      concurrency,
      timeoutMs,
      onResult: (result) => out.line('delivery', deliveryFields(result)),
    });
    out.summary({ url, ...sendSummary(results) });
    return results.every((r) => r.ok) ? 0 : 1;
  }
  const verbose = !values.quiet && deliveries.length <= 50;
  if (!values.quiet) process.stdout.write(`POST ${url} (AMT from ${describeAmtSource(found)})\n`);
  let refusedShown = false;
  const results = await sendDeliveries(deliveries, {
    url,
    amt: found.amt,
    concurrency,
    timeoutMs,
    onResult: (result) => {
      // One refused connection says it all: nothing listens there.
      if (result.refused && refusedShown) return;
      refusedShown ||= Boolean(result.refused);
      if (verbose || !result.ok) process.stdout.write(`${describeResult(result)}\n`);
    },
  });
  process.stdout.write(`${summarize(results).join('\n')}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

/** One `--json` line: what was sent and how it was answered (never the body or its signature). */
function deliveryFields(result: DeliveryResult): Record<string, unknown> {
  return {
    eventType: result.delivery.eventType ?? null,
    eventId: result.delivery.eventId ?? null,
    redelivery: result.delivery.duplicate,
    status: result.status ?? null,
    ok: result.ok,
    latencyMs: Number(result.latencyMs.toFixed(1)),
    ...(result.problem ? { problem: result.problem } : {}),
  };
}

function describeResult(result: DeliveryResult): string {
  const { delivery } = result;
  const what = [
    delivery.eventType ?? 'body',
    delivery.eventId ? `eventId=${delivery.eventId}` : '',
    delivery.duplicate ? '(redelivery)' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const status = result.status ?? '---';
  return `${result.ok ? 'ok  ' : 'FAIL'} ${status} ${what} ${result.latencyMs.toFixed(1)} ms${result.problem ? ` - ${result.problem}` : ''}`;
}

runCli('send', USAGE, () => main(process.argv.slice(2)));
