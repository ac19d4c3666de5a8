import { describe, expect, it } from 'vitest';
import { ENV, PIPELINE_DEFAULTS, ROUTES } from '../../lambda/core/constants.ts';
import { loadReceiverConfig } from '../../lambda/receiver/config.ts';
import { ReceiverConfigError } from '../../lambda/receiver/errors.ts';

const REQUIRED = {
  [ENV.QUEUE_URL]: 'https://sqs.us-east-1.amazonaws.com/000000000000/q',
  [ENV.AMT_SECRET_ID]: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:amt',
  [ENV.QUARANTINE_BUCKET_NAME]: 'smartcar-archive',
};

describe('loadReceiverConfig', () => {
  it('reads the required variables and applies the shared defaults', () => {
    // Prepare / Act
    const config = loadReceiverConfig({ ...REQUIRED });

    // Assess
    expect(config).toEqual({
      queueUrl: REQUIRED[ENV.QUEUE_URL],
      amtSecretId: REQUIRED[ENV.AMT_SECRET_ID],
      quarantineBucketName: REQUIRED[ENV.QUARANTINE_BUCKET_NAME],
      maxBodyBytes: PIPELINE_DEFAULTS.maxBodyBytes,
      amtCacheSeconds: PIPELINE_DEFAULTS.amtCacheSeconds,
      errorCallbackPath: ROUTES.ERROR_PATH,
      deliveryToleranceSeconds: PIPELINE_DEFAULTS.deliveryToleranceSeconds,
    });
  });

  it('reads the optional variables', () => {
    // Prepare / Act
    const config = loadReceiverConfig({
      ...REQUIRED,
      [ENV.MAX_BODY_BYTES]: '65536',
      [ENV.AMT_CACHE_SECONDS]: '900',
      [ENV.ERROR_CALLBACK_PATH]: '/hooks/errors',
      [ENV.DELIVERY_TOLERANCE_SECONDS]: '300',
    });

    // Assess
    expect(config).toMatchObject({
      maxBodyBytes: 65_536,
      amtCacheSeconds: 900,
      errorCallbackPath: '/hooks/errors',
      deliveryToleranceSeconds: 300,
    });
  });

  it('reads a delivery tolerance of 0 as "no age check"', () => {
    // Prepare / Act
    const config = loadReceiverConfig({ ...REQUIRED, [ENV.DELIVERY_TOLERANCE_SECONDS]: '0' });

    // Assess
    expect(config.deliveryToleranceSeconds).toBe(0);
  });

  it.each([ENV.QUEUE_URL, ENV.AMT_SECRET_ID, ENV.QUARANTINE_BUCKET_NAME])(
    'fails at init, naming %s, when it is missing or blank',
    (name) => {
      // Prepare
      const missing = { ...REQUIRED, [name]: undefined };
      const blank = { ...REQUIRED, [name]: '  ' };

      // Act / Assess
      expect(() => loadReceiverConfig(missing)).toThrow(ReceiverConfigError);
      expect(() => loadReceiverConfig(missing)).toThrow(name);
      expect(() => loadReceiverConfig(blank)).toThrow(name);
    },
  );

  it.each([
    [ENV.MAX_BODY_BYTES, '0'],
    [ENV.MAX_BODY_BYTES, '1048577'],
    [ENV.MAX_BODY_BYTES, '1.5'],
    [ENV.MAX_BODY_BYTES, 'lots'],
    [ENV.AMT_CACHE_SECONDS, '-5'],
    [ENV.DELIVERY_TOLERANCE_SECONDS, '-1'],
    // Longer than the idempotency TTL: a replay inside the window could run the handler again.
    [ENV.DELIVERY_TOLERANCE_SECONDS, String(PIPELINE_DEFAULTS.idempotencyTtlSeconds + 1)],
    [ENV.ERROR_CALLBACK_PATH, 'errors'],
  ])('refuses %s=%s', (name, value) => {
    // Prepare / Act
    const load = (): unknown => loadReceiverConfig({ ...REQUIRED, [name]: value });

    // Assess
    expect(load).toThrow(ReceiverConfigError);
    expect(load).toThrow(name);
  });
});
