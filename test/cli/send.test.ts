import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../bin/cli/errors.ts';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { planDeliveries, type SendPlanOptions } from '../../bin/cli/send-plan.ts';
import { checkAnswer } from '../../bin/cli/send-run.ts';
import { computeSignature, verifySignature } from '../../lambda/core/signature.ts';
import { SIGNAL_CATALOGUE } from '../../lib/signal-catalogue.ts';
import { requestedSignals } from '../../local/console/send-actions.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { runTs } from '../e2e/support.ts';

const AMT = 'send-test-amt';

/** Factory: plan options with test defaults. */
function plan(overrides: Partial<SendPlanOptions> = {}): SendPlanOptions {
  return { kind: 'state', amt: AMT, count: 1, duplicateRate: 0, badSignature: false, ...overrides };
}

describe('send plan', () => {
  it('adds round(count * rate) redeliveries with the same eventId and a new deliveryId, each validly signed', () => {
    // Act
    const deliveries = planDeliveries(plan({ count: 10, duplicateRate: 0.25 }));

    // Assess
    const retries = deliveries.filter((d) => d.duplicate);
    expect(deliveries).toHaveLength(13);
    expect(retries).toHaveLength(3);
    for (const retry of retries) {
      const original = deliveries[deliveries.indexOf(retry) - 1]!;
      const [a, b] = [original, retry].map((d) => JSON.parse(d.body.toString()) as { meta: { deliveryId: string } });
      expect(retry.eventId).toBe(original.eventId);
      expect(b!.meta.deliveryId).not.toBe(a!.meta.deliveryId);
    }
    expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(10);
    for (const d of deliveries) expect(verifySignature(d.body, d.headers['sc-signature'], [AMT])).toBe(0);
  });

  it('sends a file byte for byte, redeliveries included', () => {
    // Prepare
    const file = Buffer.from('{ "eventId": "e-1",\n  "eventType": "VEHICLE_STATE" }\n');

    // Act
    const deliveries = planDeliveries(plan({ file, count: 1, duplicateRate: 1 }));

    // Assess
    expect(deliveries.map((d) => d.body.equals(file))).toEqual([true, true]);
    expect(deliveries[0]).toMatchObject({ eventId: 'e-1', eventType: 'VEHICLE_STATE', expect: '2xx' });
  });

  it('re-stamps a --file with --restamp: meta.deliveredAt now, in the form it had, and signed after', () => {
    // Prepare
    const asNumber = Buffer.from(
      JSON.stringify({ eventId: 'e-old', eventType: 'VEHICLE_STATE', meta: { deliveredAt: 1_577_836_800_000 } }),
    );
    const asIso = Buffer.from(
      JSON.stringify({
        eventId: 'e-iso',
        eventType: 'VEHICLE_STATE',
        meta: { deliveredAt: '2020-01-01T00:00:00.000Z' },
      }),
    );
    const before = Date.now();

    // Act
    const [numeric] = planDeliveries(plan({ file: asNumber, restamp: true }));
    const [iso] = planDeliveries(plan({ file: asIso, restamp: true }));

    // Assess
    const numericMeta = (JSON.parse(numeric!.body.toString()) as { meta: { deliveredAt: number } }).meta;
    const isoMeta = (JSON.parse(iso!.body.toString()) as { meta: { deliveredAt: string } }).meta;
    expect(numericMeta.deliveredAt).toBeGreaterThanOrEqual(before);
    expect(Date.parse(isoMeta.deliveredAt)).toBeGreaterThanOrEqual(before - 1);
    expect(isoMeta.deliveredAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    for (const d of [numeric!, iso!]) expect(verifySignature(d.body, d.headers['sc-signature'], [AMT])).toBe(0);
  });

  it('refuses --restamp without a --file, or on a file that is not a JSON object', () => {
    // Act / Assess
    expect(() => planDeliveries(plan({ restamp: true }))).toThrow(UsageError);
    expect(() => planDeliveries(plan({ file: Buffer.from('not json'), restamp: true }))).toThrow(UsageError);
    expect(() => planDeliveries(plan({ file: Buffer.from('[1]'), restamp: true }))).toThrow(UsageError);
  });

  it('signs with a wrong key and expects 401 for --bad-signature', () => {
    // Act
    const [delivery] = planDeliveries(plan({ badSignature: true }));

    // Assess
    expect(verifySignature(delivery!.body, delivery!.headers['sc-signature'], [AMT])).toBe(-1);
    expect(delivery!.expect).toBe(401);
  });

  it('builds the requested variants: VERIFY challenge, TEST mode, RESOLVED error, captured shape', () => {
    // Act
    const [verify] = planDeliveries(plan({ kind: 'verify', challenge: 'abc' }));
    const [error] = planDeliveries(plan({ kind: 'error', errorState: 'RESOLVED', mode: 'TEST', vehicleId: 'veh-9' }));
    const [captured] = planDeliveries(plan({ variant: 'captured', signalCount: 3 }));

    // Assess
    expect(verify).toMatchObject({ eventType: 'VERIFY', challenge: 'abc', expect: 200 });
    const errorBody = JSON.parse(error!.body.toString());
    expect(errorBody).toMatchObject({ eventType: 'VEHICLE_ERROR', vehicleId: 'veh-9', meta: { mode: 'TEST' } });
    expect(errorBody.data.errors[0].state).toBe('RESOLVED');
    const capturedBody = JSON.parse(captured!.body.toString());
    expect(capturedBody.triggers).toHaveLength(1);
    expect(capturedBody.data.signals).toHaveLength(3);
  });
});

describe('send: signals from the catalogue', () => {
  it('builds a VEHICLE_STATE with one of every documented signal, each with its example body', () => {
    // Act
    const [delivery] = planDeliveries(plan({ signalCodes: 'all' }));

    // Assess
    const body = JSON.parse(delivery!.body.toString()) as { data: { signals: Array<Record<string, unknown>> } };
    expect(body.data.signals.map(({ code, name, group, body }) => ({ code, name, group, body }))).toEqual(
      SIGNAL_CATALOGUE.map(({ code, name, group, example }) => ({ code, name, group, body: example })),
    );
  });

  it('builds exactly the chosen signals, and refuses a code the catalogue does not list', () => {
    // Act
    const [delivery] = planDeliveries(plan({ signalCodes: ['closure-doors', 'tractionbattery-range'] }));
    const unknown = () => planDeliveries(plan({ signalCodes: ['vendor-newsignal'] }));

    // Assess
    const body = JSON.parse(delivery!.body.toString()) as { data: { signals: Array<{ code: string }> } };
    expect(body.data.signals.map(({ code }) => code)).toEqual(['closure-doors', 'tractionbattery-range']);
    expect(unknown).toThrow(/vendor-newsignal is not a signal of the catalogue/);
  });

  it("reads the console Send tab's signals: all, catalogue codes, nothing (the default mix), or refuses the rest", () => {
    // Act
    const answers = [
      requestedSignals('all'),
      requestedSignals(['charge-ischarging']),
      requestedSignals(undefined),
      requestedSignals([]),
      requestedSignals(['vendor-x']),
      requestedSignals('charge-ischarging'),
    ];

    // Assess
    expect(answers).toEqual([
      { codes: 'all' },
      { codes: ['charge-ischarging'] },
      {},
      {},
      { invalid: 'not signals of the catalogue: vendor-x' },
      { invalid: 'signals must be "all" or a list of signal codes' },
    ]);
  });

  it('takes --signals all or comma-separated codes on the command line, and exits 2 for an unknown code', async () => {
    // Act
    const all = await runTs('bin/send.ts', ['state', '--signals', 'all', '--print']);
    const two = await runTs('bin/send.ts', ['state', '--signals', 'charge-ischarging,motion-currentspeed', '--print']);
    const unknown = await runTs('bin/send.ts', ['state', '--signals', 'charge-ischarging,vendor-x', '--print']);

    // Assess
    expect(all.code).toBe(0);
    expect((JSON.parse(all.stdout) as { data: { signals: unknown[] } }).data.signals).toHaveLength(90);
    const codes = (JSON.parse(two.stdout) as { data: { signals: Array<{ code: string }> } }).data.signals;
    expect(codes.map(({ code }) => code)).toEqual(['charge-ischarging', 'motion-currentspeed']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('vendor-x');
  });
});

describe('send answer checks', () => {
  it('accepts only HMAC-SHA256(AMT, challenge) as the VERIFY answer', () => {
    // Prepare
    const [verify] = planDeliveries(plan({ kind: 'verify', challenge: 'xyz' }));
    const right = JSON.stringify({ challenge: computeSignature(AMT, 'xyz') });
    const wrong = JSON.stringify({ challenge: computeSignature('other', 'xyz') });

    // Act / Assess
    expect(checkAnswer(verify!, 200, right, AMT)).toBeUndefined();
    expect(checkAnswer(verify!, 200, wrong, AMT)).toMatch(/is not HMAC-SHA256/);
    expect(checkAnswer(verify!, 200, 'not json', AMT)).toMatch(/not JSON/);
    expect(checkAnswer(verify!, 401, right, AMT)).toMatch(/expected 200, got 401/);
  });

  it('expects a 2xx for data events', () => {
    // Prepare
    const [state] = planDeliveries(plan());

    // Act / Assess
    expect(checkAnswer(state!, 202, '', AMT)).toBeUndefined();
    expect(checkAnswer(state!, 503, '{"error":"enqueue_failed"}', AMT)).toMatch(/expected 2xx, got 503/);
  });
});

describe('send CLI against the local pipeline', () => {
  let pipeline: LocalPipeline;
  let dir: string;

  beforeAll(async () => {
    pipeline = await startPipeline({
      port: 0,
      quiet: true,
      logLevel: 'SILENT',
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
    });
    dir = mkdtempSync(join(tmpdir(), 'send-cli-'));
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it('sends a small load with redeliveries, reading the AMT from a .env file; each event processed once', async () => {
    // Prepare
    const dotenv = join(dir, '.env');
    writeFileSync(dotenv, `# local\nSMARTCAR_AMT="${pipeline.amt}"\n`);
    const before = await pipeline.refreshStats();

    // Act
    const result = await runTs(
      'bin/send.ts',
      [
        'state',
        '--url',
        pipeline.webhookUrl,
        '--dotenv',
        dotenv,
        '--count',
        '8',
        '--concurrency',
        '4',
        '--duplicate-rate',
        '0.5',
        '--quiet',
      ],
      { env: { SMARTCAR_AMT: '' } },
    );
    const after = await pipeline.waitFor(
      (s) => s.processedTotal - before.processedTotal + s.duplicates - before.duplicates === 12 && s.queued === 0,
    );

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('sent 12 deliveries (8 events, 4 redeliveries)');
    expect(result.stdout).toContain('all answers as expected');
    expect(after.processedTotal - before.processedTotal).toBe(8);
    expect(after.duplicates - before.duplicates).toBe(4);
  });

  it('says why an old capture got stale_delivery, and --restamp gets it accepted', async () => {
    // Prepare
    const file = join(dir, 'old-capture.json');
    writeFileSync(file, JSON.stringify(buildVehicleState({ deliveredAt: '2020-01-01T00:00:00.000Z' })));

    // Act
    const old = await runTs('bin/send.ts', ['--file', file, '--url', pipeline.webhookUrl, '--amt', pipeline.amt]);
    const restamped = await runTs('bin/send.ts', [
      '--file',
      file,
      '--restamp',
      '--url',
      pipeline.webhookUrl,
      '--amt',
      pipeline.amt,
    ]);

    // Assess
    expect(old.code).toBe(1);
    expect(old.stdout).toMatch(/FAIL 400 VEHICLE_STATE .*stale_delivery/);
    expect(old.stdout).toContain("This body's meta.deliveredAt is 2020-01-01T00:00:00.000Z");
    expect(old.stdout).toContain('add --restamp');
    expect(restamped.code).toBe(0);
    expect(restamped.stdout).toMatch(/ok\s+200 VEHICLE_STATE/);
  });

  it('checks VERIFY through HTTP and exits 0', async () => {
    // Act
    const result = await runTs('bin/send.ts', ['verify', '--url', pipeline.webhookUrl, '--amt', pipeline.amt]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ok\s+200 VERIFY/);
  });

  it('passes --bad-signature (401 expected) and exits 1 when signed with the wrong AMT', async () => {
    // Act
    const negative = await runTs('bin/send.ts', [
      'state',
      '--url',
      pipeline.webhookUrl,
      '--amt',
      pipeline.amt,
      '--bad-signature',
    ]);
    const wrongAmt = await runTs('bin/send.ts', ['state', '--url', pipeline.webhookUrl, '--amt', 'wrong-amt']);

    // Assess
    expect(negative.code).toBe(0);
    expect(negative.stdout).toMatch(/ok\s+401 VEHICLE_STATE/);
    expect(wrongAmt.code).toBe(1);
    expect(wrongAmt.stdout).toMatch(/FAIL 401 VEHICLE_STATE .* expected 2xx, got 401/);
  });

  it('exits 2 with the usage on a bad command line or without an AMT', async () => {
    // Act
    const badCount = await runTs('bin/send.ts', ['state', '--count', 'many', '--amt', 'x']);
    const noAmt = await runTs('bin/send.ts', ['state', '--dotenv', join(dir, 'missing.env')], {
      env: { SMARTCAR_AMT: '', SMARTCAR_LOCAL_AMT_FILE: join(dir, 'missing-amt') },
    });

    // Assess
    expect(badCount.code).toBe(2);
    expect(badCount.stderr).toContain('--count must be an integer');
    expect(noAmt.code).toBe(2);
    expect(noAmt.stderr).toContain('No AMT');
  });
});
