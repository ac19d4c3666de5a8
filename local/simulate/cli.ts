#!/usr/bin/env -S npx tsx
/**
 * `npm run simulate -- [options]`: a Smartcar-faithful delivery simulation of the whole local
 * pipeline under faults, with an accounting of every event. See `--help` and docs/simulate.md.
 */
import { parseArgs } from 'node:util';
import { intOption, numberOption } from '../../bin/cli/args.ts';
import { UsageError } from '../../bin/cli/errors.ts';
import { runCli } from '../../bin/cli/run-cli.ts';
import { FAULT_DESCRIPTIONS, FAULT_NAMES, SIMULATE_DEFAULTS } from './constants.ts';
import { formatReport } from './report.ts';
import { runSimulation } from './run.ts';
import { MIN_ATTEMPT_TIMEOUT_MS } from './smartcar.ts';
import type { FaultName } from './types.ts';

const USAGE = `Usage: npm run simulate -- [options]

Starts the local pipeline (the same receiver and processor modules as Lambda, the SQS and DynamoDB
emulators behind fault proxies, the archive, the DLQ), delivers a seeded traffic to it as Smartcar
does (VERIFY first; 15 s per attempt; 3 retries at 25 s, 50 s and 100 s; drop after the fourth
failure), injects faults, redrives the DLQ, replays the whole window from the archive, and prints
an accounting table: every event handled, in the DLQ, quarantined, refused, or dropped by Smartcar.
Exit code 0 when every check holds, 1 when one does not, 2 for a bad command line.

Options
  --seed N            seed of the traffic and the faults (default ${SIMULATE_DEFAULTS.seed}); the same seed, the same traffic
  --events N          authentic events to generate (default ${SIMULATE_DEFAULTS.events}); forged, stale and
                      unprocessable requests come on top (a few percent, at least one of each)
  --faults LIST       comma-separated faults, "all" (default) or "none":
${FAULT_NAMES.map((name) => `                        ${name.padEnd(20)}${FAULT_DESCRIPTIONS[name]}`).join('\n')}
  --time-scale N      Smartcar's clock runs N times faster (default ${SIMULATE_DEFAULTS.timeScale}): its retry waits
                      and its 15 s attempt timeout are divided by N (the timeout not below ${MIN_ATTEMPT_TIMEOUT_MS} ms: the
                      pipeline's own CPU time is not scaled)
  --rate N            authentic events Smartcar starts delivering per real second (default ${SIMULATE_DEFAULTS.rate})
  --visibility-timeout S
                      the local main queue's visibility timeout, and so the processor's invocation timeout
                      (default ${SIMULATE_DEFAULTS.visibilityTimeoutSeconds}); a failing event reaches the DLQ after 3 of them
  --work-dir PATH     keep the run's data folder, archive, handler run log and Smartcar's attempts
                      (deliveries.json) here (default: a temporary folder, removed at the end)
  --json              print the report as JSON on stdout instead of the table (progress stays on stderr)
  -h, --help          this text
`;

/** Parses `--faults`. */
export function faultsOption(value: string | undefined): FaultName[] {
  if (value === undefined || value === 'all') return [...FAULT_NAMES];
  if (value === 'none' || value === '') return [];
  const names = value.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(FAULT_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--faults: unknown fault "${name}"; one of all, none, ${FAULT_NAMES.join(', ')}`);
    }
  }
  return names as FaultName[];
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      events: { type: 'string' },
      faults: { type: 'string' },
      'time-scale': { type: 'string' },
      rate: { type: 'string' },
      'visibility-timeout': { type: 'string' },
      'work-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const report = await runSimulation({
    seed: intOption(values.seed, '--seed', { default: SIMULATE_DEFAULTS.seed, min: 0, max: 2 ** 31 - 1 }),
    events: intOption(values.events, '--events', { default: SIMULATE_DEFAULTS.events, min: 10, max: 1_000_000 }),
    faults: faultsOption(values.faults),
    timeScale: numberOption(values['time-scale'], '--time-scale', {
      default: SIMULATE_DEFAULTS.timeScale,
      min: 1,
      max: 1_000,
    }),
    rate: numberOption(values.rate, '--rate', { default: SIMULATE_DEFAULTS.rate, min: 1, max: 2_000 }),
    visibilityTimeoutSeconds: intOption(values['visibility-timeout'], '--visibility-timeout', {
      default: SIMULATE_DEFAULTS.visibilityTimeoutSeconds,
      min: 1,
      max: 60,
    }),
    ...(values['work-dir'] ? { workDir: values['work-dir'] } : {}),
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.ok ? 0 : 1;
}

runCli('simulate', USAGE, () => main(process.argv.slice(2)));
