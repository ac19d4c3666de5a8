import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../bin/cli/errors.ts';
import { smokeCommand } from '../../bin/cli/smoke-command.ts';
import type { VehicleStateEvent } from '../../lambda/processor/types.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { runTs } from '../e2e/support.ts';

/**
 * `npm run smoke -- --local URL` end to end: the CLI in a child process, exactly as a user runs
 * it, against the real local pipeline (receiver, SQS emulator, processor, DynamoDB emulator).
 */

const AMT = 'local-dev-amt-smoke-test';

describe('npm run smoke -- --local', () => {
  let pipeline: LocalPipeline;
  const handled: VehicleStateEvent[] = [];

  beforeAll(async () => {
    pipeline = await startPipeline({
      port: 0,
      amt: AMT,
      quiet: true,
      logLevel: 'ERROR',
      waitTimeSeconds: 1,
      handlers: {
        VEHICLE_STATE: async (event) => {
          handled.push(event);
        },
      },
    });
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('passes (exit 0) with each step and its latency, and the handler sees a TEST delivery for a smoke-test vehicle', async () => {
    // Prepare
    handled.length = 0;

    // Act
    const run = await runTs('bin/smoke.ts', ['--local', pipeline.url], { env: { SMARTCAR_AMT: AMT } });

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      `Smoke test of the local pipeline at ${pipeline.url}: POST ${pipeline.webhookUrl} (AMT from $SMARTCAR_AMT)`,
    );
    expect(lines.filter((l) => /^ok +(VERIFY|VEHICLE_STATE|processed) +\d+\.\d ms {2}\S/.test(l))).toHaveLength(3);
    expect(run.stdout).toContain('PASS: all 3 steps held');
    expect(run.stdout).not.toContain(AMT);
    expect(handled).toHaveLength(1);
    const [event] = handled;
    expect(event!.vehicleId).toMatch(/^smoke-test-[0-9a-f]{8}$/);
    expect([event!.isTest, event!.meta.mode]).toEqual([true, 'TEST']);
    expect(run.stdout).toContain(`eventId ${event!.eventId}`);
  });

  it('fails (exit 1) after --timeout when the processor never records the event', async () => {
    // Prepare: nothing consumes the queue while the poller is stopped.
    await pipeline.poller.stop();

    try {
      // Act
      const run = await runTs('bin/smoke.ts', ['--local', pipeline.url, '--amt', AMT, '--timeout', '1']);

      // Assess
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^ok +VEHICLE_STATE /m);
      expect(run.stdout).toMatch(
        /^FAIL +processed +\d+\.\d ms {2}not COMPLETED within 1\.0 s \(last: no record, \d+ reads\); see the npm start output/m,
      );
      expect(run.stdout).toContain('FAIL: 1 of 3 steps did not hold');
    } finally {
      pipeline.poller.start();
    }
  });

  it('fails (exit 1) every step that a wrong AMT breaks, and skips the wait', async () => {
    // Act
    const run = await runTs('bin/smoke.ts', ['--local', pipeline.url, '--amt', 'not-the-amt']);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL +VERIFY .*is not HMAC-SHA256\(AMT, challenge\)/m);
    expect(run.stdout).toMatch(/^FAIL +VEHICLE_STATE .*expected 2xx, got 401/m);
    expect(run.stdout).toMatch(/^SKIP +processed .*the VEHICLE_STATE delivery was not accepted/m);
    expect(run.stdout).not.toContain('not-the-amt');
  });

  it('exits 2 with the usage for a bad command line', async () => {
    // Act
    const run = await runTs('bin/smoke.ts', ['--local', 'http://127.0.0.1:1', '--stack', 'SmartcarWebhooks-dev']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Pass either --stack or --local, not both');
    expect(run.stderr).toContain('Usage: npm run smoke');
  });

  it.each([
    [[], 'Missing target: pass --stack NAME'],
    [
      ['--local', 'http://127.0.0.1:1', '--amt', AMT],
      'No local pipeline answers at http://127.0.0.1:1: start it with npm start, or pass --local URL or --stack NAME',
    ],
    [['--local', 'http://127.0.0.1:1', '--dotenv', '/nonexistent/.env'], 'No AMT: pass --amt'],
    [['--stack', 'SmartcarWebhooks-dev', '--timeout', '0'], '--timeout must be at least 1'],
    [['--stack', 'SmartcarWebhooks-dev', 'extra'], 'Unexpected argument: extra'],
  ])('rejects %j as a usage error', async (args, message) => {
    // Prepare: no AMT from the caller's environment, nor a local token from an earlier npm start.
    vi.stubEnv('SMARTCAR_AMT', '');
    vi.stubEnv('SMARTCAR_LOCAL_AMT_FILE', '/nonexistent/amt');

    // Act
    const error = await smokeCommand(args, { write: () => undefined }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(message);
  });
});
