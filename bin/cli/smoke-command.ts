import { parseArgs } from 'node:util';
import { AMT_ENV, LOCAL_ADDRESS, LOCAL_AMT_FILE, LOCAL_ENV_FILE } from '../../local/api/constants.ts';
import { intOption, urlOption } from './args.ts';
import { UsageError } from './errors.ts';
import { localPipelineUrl } from './local-address.ts';
import { ndjson } from './ndjson.ts';
import { runSmoke, SMOKE_VEHICLE_PREFIX } from './smoke-run.ts';
import { resolveSmokeTarget, type SmokeClients, type SmokeTargetSpec } from './smoke-target.ts';

const DEFAULT_TIMEOUT_SECONDS = 60;

/** The smoke CLI's `--help` text. */
export const SMOKE_USAGE = `Usage: npm run smoke -- (--stack NAME | --local URL) [options]

Checks a deployed stack (or npm start) end to end:
  1. a signed VERIFY: the answer must be HMAC-SHA256(AMT, challenge)
  2. a signed VEHICLE_STATE, marked as a test delivery (meta.mode "TEST") for vehicle
     ${SMOKE_VEHICLE_PREFIX}<random>: it must be accepted (2xx)
  3. the processor must record its eventId as COMPLETED in the idempotency table
Prints each step with its latency. Exit code 0 when all three held, 1 when one did not,
2 for a bad command line.

Target (one of)
  --stack NAME            a deployed stack, e.g. SmartcarWebhooks-dev (its WebhookUrl, AmtSecretArn
                          and IdempotencyTableName outputs). Needs cloudformation:DescribeStacks,
                          secretsmanager:GetSecretValue (unless --amt) and dynamodb:GetItem.
  --local URL             a running npm start, e.g. http://${LOCAL_ADDRESS.host}:${LOCAL_ADDRESS.port}
  --region REGION         region of --stack (default: AWS_REGION / your profile)

Options
  --amt TOKEN             sign with this AMT. Default: the stack's secret (--stack); $${AMT_ENV}, then
                          ${AMT_ENV} in the env file, then npm start's development token in ${LOCAL_AMT_FILE} (--local)
  --dotenv PATH           .env-style file to read ${AMT_ENV} from with --local (default ${LOCAL_ENV_FILE})
  --timeout SECONDS       how long to wait for step 3 (default ${DEFAULT_TIMEOUT_SECONDS})
  --json                  NDJSON on stdout: one {"type":"step",...} line per step (name, result,
                          latencyMs, detail), then {"type":"summary",...} (passed, eventId, vehicleId, target)
  -h, --help              this text

Examples
  npm run smoke -- --stack SmartcarWebhooks-dev --region eu-west-1
  npm run smoke -- --local http://127.0.0.1:3000
`;

/** What the smoke command writes to and which AWS clients it uses (tests inject both). */
export interface SmokeCommandDeps {
  write(text: string): void;
  clients?: SmokeClients;
}

/**
 * The `npm run smoke` command: resolves the target, runs the smoke test, prints each step and a
 * verdict. Resolves to the exit code (0 all held, 1 not); throws `UsageError` for a bad command
 * line (exit 2 through `runCli`).
 *
 * @example
 * ```ts
 * runCli('smoke', SMOKE_USAGE, () => smokeCommand(process.argv.slice(2), { write: (t) => process.stdout.write(t) }));
 * ```
 */
export async function smokeCommand(argv: readonly string[], deps: SmokeCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      stack: { type: 'string' },
      local: { type: 'string' },
      region: { type: 'string' },
      amt: { type: 'string' },
      // Not --env-file: Node 20 takes that flag for itself even after the script name.
      dotenv: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    deps.write(SMOKE_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals.join(' ')}`);
  const timeoutSeconds = intOption(values.timeout, '--timeout', { default: DEFAULT_TIMEOUT_SECONDS, min: 1, max: 900 });

  const target = await resolveSmokeTarget(targetSpec(values), deps.clients);
  try {
    if (values.json) {
      const out = ndjson(deps.write);
      const report = await runSmoke(target, {
        timeoutMs: timeoutSeconds * 1000,
        write: () => undefined,
        onStep: (step) => out.line('step', { ...step, latencyMs: Number(step.latencyMs.toFixed(1)) }),
      });
      out.summary({
        passed: report.passed,
        eventId: report.eventId,
        vehicleId: report.vehicleId,
        target: target.description,
        webhookUrl: target.webhookUrl,
      });
      return report.passed ? 0 : 1;
    }
    deps.write(`Smoke test of ${target.description}: POST ${target.webhookUrl} (AMT from ${target.amtSource})\n`);
    const report = await runSmoke(target, { timeoutMs: timeoutSeconds * 1000, write: deps.write });
    const failed = report.steps.filter((s) => s.result !== 'ok').length;
    deps.write(
      report.passed
        ? `PASS: all ${report.steps.length} steps held\n`
        : `FAIL: ${failed} of ${report.steps.length} steps did not hold\n`,
    );
    return report.passed ? 0 : 1;
  } finally {
    target.close();
  }
}

function targetSpec(values: {
  stack?: string;
  local?: string;
  region?: string;
  amt?: string;
  dotenv?: string;
}): SmokeTargetSpec {
  if (values.stack && values.local) throw new UsageError('Pass either --stack or --local, not both');
  const amt = values.amt ? { amt: values.amt } : {};
  if (values.stack)
    return { kind: 'stack', stackName: values.stack, ...(values.region ? { region: values.region } : {}), ...amt };
  if (values.local) {
    urlOption(values.local, '--local');
    return { kind: 'local', url: values.local, ...(values.dotenv ? { envFile: values.dotenv } : {}), ...amt };
  }
  throw new UsageError(
    `Missing target: pass --stack NAME (a deployed stack) or --local URL (npm start, e.g. --local ${localPipelineUrl()})`,
  );
}
