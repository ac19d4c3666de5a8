import { PurgeQueueCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DlqTarget, peekDlq, purgeDlq, redriveDlq } from '../../bin/cli/dlq-operations.ts';
import { buildVehicleError, buildVehicleState } from '../../bin/cli/sample-events.ts';
import { MESSAGE_ATTRIBUTE } from '../../lambda/core/constants.ts';
import { createLocalSqsClient, queueDepth } from '../../local/api/sqs-client.ts';
import { createPipelineQueues } from '../../local/sqs.ts';
import { startSqsEmulator } from '../../local/sqs-emulator.ts';
import type { LocalQueues, SqsEmulator } from '../../local/types.ts';

/** Factory: a DLQ message as the receiver would have enqueued it. */
function deadLetter(payload: Record<string, unknown>): SendMessageCommand['input'] & { MessageBody: string } {
  return {
    QueueUrl: '',
    MessageBody: JSON.stringify(payload),
    MessageAttributes: {
      [MESSAGE_ATTRIBUTE.EVENT_ID]: { DataType: 'String', StringValue: String(payload.eventId) },
      [MESSAGE_ATTRIBUTE.EVENT_TYPE]: { DataType: 'String', StringValue: String(payload.eventType) },
      [MESSAGE_ATTRIBUTE.RECEIVED_AT]: { DataType: 'Number', StringValue: '1767225600000' },
    },
  };
}

describe('DLQ operations against the real SQS emulator', () => {
  let emulator: SqsEmulator;
  let sqs: SQSClient;
  let queues: LocalQueues;
  let target: DlqTarget;

  beforeAll(async () => {
    emulator = await startSqsEmulator();
    sqs = createLocalSqsClient(emulator.endpoint);
    queues = await createPipelineQueues(sqs, { visibilityTimeoutSeconds: 30 });
    target = { sqs, queueUrl: queues.queueUrl, deadLetterQueueUrl: queues.deadLetterQueueUrl, supportsMoveTask: false };
  });

  beforeEach(async () => {
    await purgeDlq(target);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queues.queueUrl }));
  });

  afterAll(async () => {
    sqs?.destroy();
    await emulator?.close();
  });

  async function putInDlq(payload: Record<string, unknown>): Promise<void> {
    await sqs.send(new SendMessageCommand({ ...deadLetter(payload), QueueUrl: queues.deadLetterQueueUrl }));
  }

  it('lists DLQ messages without consuming them', async () => {
    // Prepare
    const state = buildVehicleState({ vehicleId: 'veh-1' });
    const error = buildVehicleError({ vehicleId: 'veh-2', variant: 'captured' });
    await putInDlq(state);
    await putInDlq(error);

    // Act
    const entries = await peekDlq(target, { max: 10 });
    const again = await peekDlq(target, { max: 10 });

    // Assess
    expect(entries.map((e) => [e.eventType, e.eventId, e.vehicleId]).sort()).toEqual(
      [
        ['VEHICLE_STATE', state.eventId, 'veh-1'],
        ['VEHICLE_ERROR', error.eventId, 'veh-2'],
      ].sort(),
    );
    expect(entries[0]!.sentAt).toBe('2026-01-01T00:00:00.000Z');
    expect(again).toHaveLength(2);
    expect(again.every((e) => e.receiveCount === 2)).toBe(true);
  });

  it('redrives only the filtered messages, body and attributes unchanged, leaving the rest visible', async () => {
    // Prepare
    const wanted = buildVehicleState();
    const other = buildVehicleState();
    const error = buildVehicleError();
    for (const payload of [wanted, other, error]) await putInDlq(payload);

    // Act
    const byId = await redriveDlq(target, { eventIds: [String(wanted.eventId)] });
    const byType = await redriveDlq(target, { eventType: 'VEHICLE_ERROR' });
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      }),
    );
    const left = await peekDlq(target, { max: 10 });

    // Assess
    expect(byId).toEqual({ mode: 'manual', moved: 1, kept: 2 });
    expect(byType).toEqual({ mode: 'manual', moved: 1, kept: 1 });
    expect(Messages.map((m) => m.Body).sort()).toEqual([JSON.stringify(wanted), JSON.stringify(error)].sort());
    const moved = Messages.find((m) => m.Body === JSON.stringify(wanted))!;
    expect(moved.MessageAttributes?.[MESSAGE_ATTRIBUTE.EVENT_ID]?.StringValue).toBe(wanted.eventId);
    expect(moved.MessageAttributes?.[MESSAGE_ATTRIBUTE.RECEIVED_AT]).toEqual({
      DataType: 'Number',
      StringValue: '1767225600000',
    });
    expect(left.map((e) => e.eventId)).toEqual([other.eventId]);
  });

  it('redrives everything locally by hand (the emulator has no StartMessageMoveTask)', async () => {
    // Prepare
    for (let i = 0; i < 12; i++) await putInDlq(buildVehicleState());

    // Act
    const result = await redriveDlq(target);

    // Assess
    expect(result).toEqual({ mode: 'manual', moved: 12, kept: 0 });
    expect(await queueDepth(sqs, queues.deadLetterQueueUrl)).toBe(0);
    expect(await queueDepth(sqs, queues.queueUrl)).toBe(12);
  });

  it('purges the DLQ', async () => {
    // Prepare
    await putInDlq(buildVehicleState());

    // Act
    await purgeDlq(target);

    // Assess
    expect(await queueDepth(sqs, queues.deadLetterQueueUrl)).toBe(0);
  });
});
