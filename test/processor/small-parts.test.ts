import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyedQueue } from '../../lambda/processor/processor.ts';
import { REDACTED, redactPersonalData } from '../../lambda/processor/redact.ts';
import { captureStdout } from './helpers/factories.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('redactPersonalData', () => {
  it('redacts VIN and coordinates at any depth, keeping everything else', () => {
    // Prepare
    const output = captureStdout();
    const logger = new Logger({ serviceName: 'test', jsonReplacerFn: redactPersonalData });

    // Act
    logger.info('signals', {
      vehicle: { VIN: '5YJ3E1EA7KF000001', make: 'TESLA' },
      signals: [{ code: 'location-preciselocation', body: { latitude: 37.77, longitude: -122.41, heading: 90 } }],
    });

    // Assess
    const [line] = output.lines();
    expect(line).toMatchObject({
      vehicle: { VIN: REDACTED, make: 'TESLA' },
      signals: [{ code: 'location-preciselocation', body: { latitude: REDACTED, longitude: REDACTED, heading: 90 } }],
    });
  });
});

describe('KeyedQueue', () => {
  it('runs tasks of one key in order, other keys concurrently, and survives a failed task', async () => {
    // Prepare
    const queue = new KeyedQueue();
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const firstGate = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });

    // Act
    const first = queue.run('a', async () => {
      await firstGate;
      order.push('a1');
      throw new Error('a1 failed');
    });
    const second = queue.run('a', async () => {
      order.push('a2');
    });
    const other = queue.run('b', async () => {
      order.push('b1');
    });
    await other;
    releaseFirst();
    const results = await Promise.allSettled([first, second]);

    // Assess
    expect(order).toEqual(['b1', 'a1', 'a2']);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
  });
});
