import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson } from '../../bin/cli/ndjson.ts';
import { PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import type { VehicleStateEvent } from '../../lambda/processor/types.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { post, runTs, stateDelivery } from './support.ts';

describe('poison events, the DLQ and `npm run dlq` against the local pipeline', () => {
  let pipeline: LocalPipeline;
  const poison = new Set<string>();
  const succeeded = new Map<string, number>();

  beforeAll(async () => {
    pipeline = await startPipeline({
      port: 0,
      quiet: true,
      logLevel: 'SILENT',
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      handlers: {
        // A business handler with a bug for some events, fixed by emptying `poison`.
        VEHICLE_STATE: async (event: VehicleStateEvent) => {
          if (poison.has(event.eventId)) throw new Error('handler bug');
          succeeded.set(event.eventId, (succeeded.get(event.eventId) ?? 0) + 1);
        },
      },
    });
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it('moves an always-failing event to the DLQ after maxReceiveCount; redrive after the fix processes it once', async () => {
    // Prepare
    const bad = stateDelivery(pipeline.amt, { vehicleId: 'veh-poison' });
    const good = [stateDelivery(pipeline.amt), stateDelivery(pipeline.amt)];
    poison.add(bad.eventId);
    const before = await pipeline.refreshStats();

    // Act: deliver, and wait for the poison event to reach the DLQ
    for (const delivery of [bad, ...good]) expect((await post(pipeline.webhookUrl, delivery)).status).toBe(200);
    const dead = await pipeline.waitFor((s) => s.dlq === 1 && s.queued === 0, 20_000);

    // Assess: failed once per allowed receive, the last one flagged; the others unaffected
    expect(dead.failed - before.failed).toBe(PIPELINE_DEFAULTS.maxReceiveCount);
    expect(dead.finalFailures - before.finalFailures).toBe(1);
    expect(good.map((d) => succeeded.get(d.eventId))).toEqual([1, 1]);
    expect(succeeded.has(bad.eventId)).toBe(false);

    // Act: list it with the CLI (peek), then fix the handler and redrive that eventId
    const listed = await runTs('bin/dlq.ts', ['list', '--json', '--local', pipeline.url]);
    const stillThere = await pipeline.refreshStats();
    poison.clear();
    const redriven = await runTs('bin/dlq.ts', ['redrive', '--event-id', bad.eventId, '--local', pipeline.url]);
    const after = await pipeline.waitFor((s) => s.dlq === 0 && s.queued === 0 && succeeded.has(bad.eventId), 20_000);

    // Assess
    expect(listed.code).toBe(0);
    const entries = parseNdjson(listed.stdout).filter((line) => line.type === 'message');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ eventType: 'VEHICLE_STATE', eventId: bad.eventId, vehicleId: 'veh-poison' });
    expect(entries[0]!.receiveCount).toBeGreaterThan(PIPELINE_DEFAULTS.maxReceiveCount);
    expect(stillThere.dlq).toBe(1);
    expect(redriven.code).toBe(0);
    expect(redriven.stdout).toContain('Moved 1 message(s) back to the main queue; 0 left in the DLQ');
    expect(succeeded.get(bad.eventId)).toBe(1);
    expect(after.processedTotal - before.processedTotal).toBe(3);
  });

  it('purges the DLQ only with --yes when there is no terminal to ask', async () => {
    // Prepare
    await pipeline.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: pipeline.endpoints.deadLetterQueueUrl,
        MessageBody: '{"eventType":"VEHICLE_STATE"}',
      }),
    );
    await pipeline.waitFor((s) => s.dlq === 1);

    // Act
    const refused = await runTs('bin/dlq.ts', ['purge', '--local', pipeline.url]);
    const kept = await pipeline.refreshStats();
    const purged = await runTs('bin/dlq.ts', ['purge', '--yes', '--local', pipeline.url]);
    const after = await pipeline.waitFor((s) => s.dlq === 0);

    // Assess
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('purge needs --yes');
    expect(kept.dlq).toBe(1);
    expect(purged.code).toBe(0);
    expect(after.dlq).toBe(0);
  });

  it('fails clearly when no local pipeline answers', async () => {
    // Act
    const result = await runTs('bin/dlq.ts', ['list', '--local', 'http://127.0.0.1:9']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No local pipeline answers at http://127.0.0.1:9');
  });
});
