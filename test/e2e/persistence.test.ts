import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { MESSAGE_ATTRIBUTE } from '../../lambda/core/constants.ts';
import type { VehicleStateEvent } from '../../lambda/processor/types.ts';
import type { LocalDeliveryStatus, LocalStats } from '../../local/api/types.ts';
import { startPipeline } from '../../local/pipeline.ts';
import { post, redelivery, stateDelivery } from './support.ts';

describe('local pipeline with a data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'local-pipeline-'));

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('remembers processed eventIds across a restart, so a later Smartcar retry is a duplicate', async () => {
    // Prepare
    const options = {
      port: 0,
      quiet: true,
      logLevel: 'SILENT',
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      dataDir,
      amt: 'persist-amt',
    };
    const delivery = stateDelivery(options.amt);

    // Act
    const first = await startPipeline(options);
    await post(first.webhookUrl, delivery);
    const firstRun = await first.waitFor((s) => s.processedTotal === 1 && s.queued === 0);
    await first.stop();
    const second = await startPipeline(options);
    let secondRun: LocalStats;
    try {
      await post(second.webhookUrl, redelivery(delivery, options.amt));
      secondRun = await second.waitFor((s) => s.duplicates + s.processedTotal === 1 && s.queued === 0);
    } finally {
      await second.stop();
    }

    // Assess
    expect(firstRun.processedTotal).toBe(1);
    expect(secondRun.duplicates).toBe(1);
    expect(secondRun.processedTotal).toBe(0);
  });

  it('keeps the DLQ and the queued messages across a restart (saved at stop, restored at start, attributes kept)', async () => {
    // Prepare: a handler that fails one event for good, and a second pipeline's handler that records
    const folder = mkdtempSync(join(dataDir, 'queues-'));
    const options = {
      port: 0,
      quiet: true,
      logLevel: 'SILENT',
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      dataDir: folder,
      amt: 'persist-amt',
    };
    const poison = stateDelivery(options.amt, { vehicleId: 'veh-poison' });
    const queued = stateDelivery(options.amt, { vehicleId: 'veh-queued' });
    const handledAfterRestart: string[] = [];

    // Act: poison reaches the DLQ; with the poller stopped, a second event stays queued; restart
    const first = await startPipeline({
      ...options,
      handlers: { VEHICLE_STATE: async () => Promise.reject(new Error('bug')) },
    });
    await post(first.webhookUrl, poison);
    const dead = await first.waitFor((s) => s.dlq === 1 && s.queued === 0, 20_000);
    await first.poller.stop();
    await post(first.webhookUrl, queued);
    const beforeStop = await first.waitFor((s) => s.queued === 1);
    await first.stop();
    const second = await startPipeline({
      ...options,
      handlers: { VEHICLE_STATE: async (event: VehicleStateEvent) => void handledAfterRestart.push(event.eventId) },
    });
    let afterRestart: LocalStats;
    let dlqMessage: Message | undefined;
    let remembered: LocalDeliveryStatus | undefined;
    try {
      afterRestart = await second.waitFor((s) => s.processedTotal === 1 && s.queued === 0 && s.dlq === 1, 20_000);
      const { Messages = [] } = await second.sqsClient.send(
        new ReceiveMessageCommand({
          QueueUrl: second.endpoints.deadLetterQueueUrl,
          MessageAttributeNames: ['All'],
          WaitTimeSeconds: 1,
        }),
      );
      dlqMessage = Messages[0];
      remembered = (await (
        await fetch(`${second.url}/_local/deliveries/${poison.eventId}`)
      ).json()) as LocalDeliveryStatus;
    } finally {
      await second.stop();
    }

    // Assess: the DLQ message kept its body and attributes; the queued one was processed after the restart
    expect(dead.finalFailures).toBe(1);
    expect(beforeStop.queued).toBe(1);
    expect(second.restored).toMatchObject({ main: 1, dlq: 1 });
    expect(handledAfterRestart).toEqual([queued.eventId]);
    expect(afterRestart.dlq).toBe(1);
    expect(dlqMessage?.Body).toBe(poison.body);
    expect(dlqMessage?.MessageAttributes?.[MESSAGE_ATTRIBUTE.EVENT_ID]?.StringValue).toBe(poison.eventId);
    expect(dlqMessage?.MessageAttributes?.[MESSAGE_ATTRIBUTE.EVENT_TYPE]?.StringValue).toBe('VEHICLE_STATE');
    expect(dlqMessage?.MessageAttributes?.[MESSAGE_ATTRIBUTE.RECEIVED_AT]?.DataType).toBe('Number');
    // The console's log was kept too: the DLQ message's last error is still known.
    expect(remembered?.lastError).toEqual({ name: 'Error', message: 'bug' });
  }, 60_000);
});
