import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson } from '../../bin/cli/ndjson.ts';
import { buildVehicleError, buildVehicleState } from '../../bin/cli/sample-events.ts';
import { MESSAGE_ATTRIBUTE } from '../../lambda/core/constants.ts';
import { queueDepth } from '../../local/api/sqs-client.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { runTs } from '../e2e/support.ts';

/**
 * Issue #24: `npm run send|smoke|dlq -- --json` write NDJSON for scripts and CI, one object per
 * line and a summary object last, run as a user runs them against the real local pipeline.
 * (`replay --json` is covered in test/archive/replay-into-local.test.ts.)
 */

const AMT = 'json-output-test-amt';
let pipeline: LocalPipeline;

beforeAll(async () => {
  pipeline = await startPipeline({ port: 0, amt: AMT, quiet: true, logLevel: 'ERROR', waitTimeSeconds: 1 });
});

afterAll(async () => {
  await pipeline?.stop();
});

async function putInDlq(payload: Record<string, unknown>): Promise<void> {
  await pipeline.sqsClient.send(
    new SendMessageCommand({
      QueueUrl: pipeline.endpoints.deadLetterQueueUrl,
      MessageBody: JSON.stringify(payload),
      MessageAttributes: {
        [MESSAGE_ATTRIBUTE.EVENT_ID]: { DataType: 'String', StringValue: String(payload.eventId) },
        [MESSAGE_ATTRIBUTE.EVENT_TYPE]: { DataType: 'String', StringValue: String(payload.eventType) },
      },
    }),
  );
}

describe('--json (NDJSON: one object per line, then a summary object)', () => {
  it('send: one delivery line per answer, then the summary', async () => {
    // Act
    const run = await runTs('bin/send.ts', [
      'state',
      '--count',
      '3',
      '--duplicate-rate',
      '0.34',
      '--url',
      pipeline.webhookUrl,
      '--amt',
      AMT,
      '--json',
    ]);

    // Assess
    expect(run.code).toBe(0);
    const lines = parseNdjson(run.stdout);
    expect(lines.map((l) => l.type)).toEqual(['delivery', 'delivery', 'delivery', 'delivery', 'summary']);
    expect(lines.filter((l) => l.type === 'delivery').every((l) => l.status === 200 && l.ok === true)).toBe(true);
    expect(lines.filter((l) => l.redelivery === true)).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({ sent: 4, events: 3, redeliveries: 1, statuses: { 200: 4 }, ok: true });
    expect(run.stdout).not.toContain(AMT);
  });

  it('smoke: one step line per step, then the verdict', async () => {
    // Act
    const run = await runTs('bin/smoke.ts', ['--local', pipeline.url, '--json'], { env: { SMARTCAR_AMT: AMT } });

    // Assess
    expect(run.code).toBe(0);
    const lines = parseNdjson(run.stdout);
    expect(lines.map((l) => [l.type, l.name ?? null, l.result ?? null])).toEqual([
      ['step', 'VERIFY', 'ok'],
      ['step', 'VEHICLE_STATE', 'ok'],
      ['step', 'processed', 'ok'],
      ['summary', null, null],
    ]);
    expect(lines.at(-1)).toMatchObject({ passed: true, vehicleId: expect.stringMatching(/^smoke-test-/) });
  });

  it('dlq: list, a filtered redrive and a purge each end with their summary', async () => {
    // Prepare
    const states = [buildVehicleState(), buildVehicleState()];
    const error = buildVehicleError();
    for (const payload of [...states, error]) await putInDlq(payload);
    const dlqUrl = pipeline.endpoints.deadLetterQueueUrl;

    // Act
    const listed = await runTs('bin/dlq.ts', ['list', '--local', pipeline.url, '--json']);
    const redriven = await runTs('bin/dlq.ts', [
      'redrive',
      '--type',
      'VEHICLE_ERROR',
      '--local',
      pipeline.url,
      '--json',
    ]);
    const unconfirmed = await runTs('bin/dlq.ts', ['purge', '--local', pipeline.url, '--json']);
    const purged = await runTs('bin/dlq.ts', ['purge', '--yes', '--local', pipeline.url, '--json']);

    // Assess
    const list = parseNdjson(listed.stdout);
    expect(
      list
        .filter((l) => l.type === 'message')
        .map((l) => l.eventId)
        .sort(),
    ).toEqual([...states, error].map((p) => p.eventId).sort());
    expect(list.at(-1)).toMatchObject({ type: 'summary', command: 'list', count: 3 });
    const redrive = parseNdjson(redriven.stdout);
    expect(redrive.map((l) => [l.type, l.eventId ?? null])).toEqual([
      ['message', error.eventId],
      ['summary', null],
    ]);
    expect(redrive.at(-1)).toMatchObject({ command: 'redrive', mode: 'manual', moved: 1, kept: 2 });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stdout).toBe('');
    expect(purged.code).toBe(0);
    expect(parseNdjson(purged.stdout)).toEqual([
      expect.objectContaining({ type: 'summary', command: 'purge', purged: 2 }),
    ]);
    expect(await queueDepth(pipeline.sqsClient, dlqUrl)).toBe(0);
  });
});
