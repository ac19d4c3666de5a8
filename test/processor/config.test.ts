import { describe, expect, it } from 'vitest';
import { ENV, PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import { loadProcessorConfig } from '../../lambda/processor/config.ts';
import { ProcessorConfigError } from '../../lambda/processor/errors.ts';

const tables = { [ENV.IDEMPOTENCY_TABLE_NAME]: 'idem', [ENV.VEHICLE_STATE_TABLE_NAME]: 'state' };

describe('loadProcessorConfig', () => {
  it('uses PIPELINE_DEFAULTS when only the table names are set', () => {
    // Act
    const config = loadProcessorConfig(tables);

    // Assess
    expect(config).toEqual({
      idempotencyTableName: 'idem',
      vehicleStateTableName: 'state',
      idempotencyTtlSeconds: PIPELINE_DEFAULTS.idempotencyTtlSeconds,
      vehicleStateTtlSeconds: PIPELINE_DEFAULTS.vehicleStateTtlSeconds,
      maxReceiveCount: PIPELINE_DEFAULTS.maxReceiveCount,
      futureToleranceSeconds: PIPELINE_DEFAULTS.futureToleranceSeconds,
    });
  });

  it('leaves the vehicle-state table out when the stack made none (a blank name too)', () => {
    // Act
    const config = loadProcessorConfig({ ...tables, [ENV.VEHICLE_STATE_TABLE_NAME]: ' ' });

    // Assess: the processor decides whether its handlers can do without it (index.test.ts)
    expect(config).not.toHaveProperty('vehicleStateTableName');
  });

  it('reads overrides, including 0 for "keep vehicle state forever"', () => {
    // Act
    const config = loadProcessorConfig({
      ...tables,
      [ENV.IDEMPOTENCY_TTL_SECONDS]: '864000',
      [ENV.VEHICLE_STATE_TTL_SECONDS]: '0',
      [ENV.MAX_RECEIVE_COUNT]: '5',
      [ENV.FUTURE_TOLERANCE_SECONDS]: '300',
    });

    // Assess
    expect(config).toMatchObject({
      idempotencyTtlSeconds: 864_000,
      vehicleStateTtlSeconds: 0,
      maxReceiveCount: 5,
      futureToleranceSeconds: 300,
    });
  });

  it.each([
    ['a missing idempotency table', { [ENV.VEHICLE_STATE_TABLE_NAME]: 'state' }, /IDEMPOTENCY_TABLE_NAME is not set/],
    [
      'a non-numeric TTL',
      { ...tables, [ENV.IDEMPOTENCY_TTL_SECONDS]: '7d' },
      /IDEMPOTENCY_TTL_SECONDS must be an integer/,
    ],
    [
      'a zero max receive count',
      { ...tables, [ENV.MAX_RECEIVE_COUNT]: '0' },
      /MAX_RECEIVE_COUNT must be an integer >= 1/,
    ],
  ])('rejects %s', (_label, env, message) => {
    // Act
    const act = (): unknown => loadProcessorConfig(env);

    // Assess
    expect(act).toThrow(ProcessorConfigError);
    expect(act).toThrow(message);
  });
});
