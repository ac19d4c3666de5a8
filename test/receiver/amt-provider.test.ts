import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AMT_SECRET_PLACEHOLDER, PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import { AMT_UNAVAILABLE_RETRY_SECONDS } from '../../lambda/receiver/constants.ts';
import { AmtNotConfiguredError, AmtUnavailableError } from '../../lambda/receiver/errors.ts';
import {
  createSecretsManagerAmtProvider,
  parseAmtSecret,
  staticAmtProvider,
} from '../../lambda/receiver/signature-check.ts';

// Secrets Manager has no emulator on this machine: the client is mocked at the SDK boundary.
const secrets = mockClient(SecretsManagerClient);
const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:amt';
const CACHE_MS = PIPELINE_DEFAULTS.amtCacheSeconds * 1000;
const REFETCH_MS = PIPELINE_DEFAULTS.amtRefetchMinIntervalSeconds * 1000;
const UNAVAILABLE_MS = AMT_UNAVAILABLE_RETRY_SECONDS * 1000;

/** A provider on a hand-driven clock. */
function providerAt(start = 1_000_000): {
  amt: ReturnType<typeof createSecretsManagerAmtProvider>;
  clock: { now: number };
  warn: ReturnType<typeof vi.fn>;
} {
  const clock = { now: start };
  const warn = vi.fn();
  const amt = createSecretsManagerAmtProvider({
    secretId: SECRET_ID,
    client: new SecretsManagerClient({ region: 'us-east-1' }),
    now: () => clock.now,
    logger: { warn },
  });
  return { amt, clock, warn };
}

beforeEach(() => {
  secrets.reset();
});

describe('parseAmtSecret', () => {
  it.each([
    ['a plain token', 'amt-1', { current: 'amt-1' }],
    ['a token with a trailing newline', 'amt-1\n', { current: 'amt-1' }],
    ['the rotation JSON', '{"current":"amt-2","previous":"amt-1"}', { current: 'amt-2', previous: 'amt-1' }],
    ['JSON without previous', '{"current":"amt-2"}', { current: 'amt-2' }],
    ['JSON with an empty previous', '{"current":"amt-2","previous":""}', { current: 'amt-2' }],
    ['JSON with previous equal to current', '{"current":"amt-2","previous":"amt-2"}', { current: 'amt-2' }],
  ])('reads %s', (_label, value, expected) => {
    // Prepare / Act
    const tokens = parseAmtSecret(value);

    // Assess
    expect(tokens).toEqual(expected);
  });

  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['whitespace', '  \n'],
    ['the stack placeholder', AMT_SECRET_PLACEHOLDER],
    ['broken JSON', '{"current":'],
    ['JSON without current', '{"previous":"amt-1"}'],
    ['JSON with an empty current', '{"current":""}'],
    ['JSON with the placeholder as current', JSON.stringify({ current: AMT_SECRET_PLACEHOLDER })],
    ['JSON null-like', '{}'],
  ])('treats %s as not configured', (_label, value) => {
    // Prepare / Act
    const parse = (): unknown => parseAmtSecret(value);

    // Assess
    expect(parse).toThrow(AmtNotConfiguredError);
  });

  it('never repeats the secret value in its error', () => {
    // Prepare
    const value = '{"current":"super-secret-token"';

    // Act
    const error = (() => {
      try {
        parseAmtSecret(value);
      } catch (caught) {
        return caught as Error;
      }
    })();

    // Assess
    expect(error?.message).not.toContain('super-secret-token');
  });
});

describe('createSecretsManagerAmtProvider', () => {
  it('fetches once and serves the cache for amtCacheSeconds', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'amt-1' });
    const { amt, clock } = providerAt();

    // Act
    const first = await amt.get();
    clock.now += CACHE_MS - 1;
    const cached = await amt.get();
    clock.now += 1;
    const refreshed = await amt.get();

    // Assess
    expect([first, cached, refreshed]).toEqual([{ current: 'amt-1' }, { current: 'amt-1' }, { current: 'amt-1' }]);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ID });
  });

  it('reads a binary secret as UTF-8', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: Buffer.from('{"current":"bin-amt"}') });
    const { amt } = providerAt();

    // Act
    const tokens = await amt.get();

    // Assess
    expect(tokens).toEqual({ current: 'bin-amt' });
  });

  it('shares one fetch between concurrent callers', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'amt-1' });
    const { amt } = providerAt();

    // Act
    const results = await Promise.all([amt.get(), amt.get(), amt.get()]);

    // Assess
    expect(results).toEqual([{ current: 'amt-1' }, { current: 'amt-1' }, { current: 'amt-1' }]);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('refetches after a mismatch at most once per refetch interval', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'old-amt' })
      .resolves({ SecretString: '{"current":"new-amt","previous":"old-amt"}' });
    const { amt, clock } = providerAt();
    await amt.get();

    // Act
    const tooSoon = await amt.refreshAfterMismatch();
    clock.now += REFETCH_MS - 1;
    const stillTooSoon = await amt.refreshAfterMismatch();
    clock.now += 1;
    const refreshed = await amt.refreshAfterMismatch();
    const afterRefresh = await amt.refreshAfterMismatch();
    const served = await amt.get();

    // Assess
    expect(tooSoon).toBeUndefined();
    expect(stillTooSoon).toBeUndefined();
    expect(refreshed).toEqual({ current: 'new-amt', previous: 'old-amt' });
    expect(afterRefresh).toBeUndefined();
    expect(served).toEqual(refreshed);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('lets a burst of concurrent mismatches share a single call', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'amt-1' });
    const { amt, clock } = providerAt();
    await amt.get();
    clock.now += REFETCH_MS;

    // Act
    const results = await Promise.all(Array.from({ length: 50 }, () => amt.refreshAfterMismatch()));

    // Assess
    expect(results).toEqual(results.map(() => ({ current: 'amt-1' })));
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('rejects a failed refetch after a mismatch, so the receiver answers 503', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'amt-1' }).rejects(new Error('throttled'));
    const { amt, clock } = providerAt();
    await amt.get();
    clock.now += REFETCH_MS;

    // Act
    const refresh = amt.refreshAfterMismatch();

    // Assess
    await expect(refresh).rejects.toBeInstanceOf(AmtUnavailableError);
    await expect(amt.get()).resolves.toEqual({ current: 'amt-1' });
  });

  it('rejects with AmtUnavailableError when nothing was ever fetched, remembers it for the window, then asks again', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).rejectsOnce(new Error('network down')).resolves({ SecretString: 'amt-1' });
    const { amt, clock } = providerAt();

    // Act
    await expect(amt.get()).rejects.toBeInstanceOf(AmtUnavailableError);
    clock.now += UNAVAILABLE_MS - 1;
    await expect(amt.get()).rejects.toBeInstanceOf(AmtUnavailableError);
    clock.now += 1;
    const recovered = await amt.get();

    // Assess
    expect(recovered).toEqual({ current: 'amt-1' });
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('keeps serving stale tokens when a scheduled refresh fails, retrying after the refetch interval', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'amt-1' })
      .rejectsOnce(new Error('throttled'))
      .resolves({ SecretString: 'amt-2' });
    const { amt, clock, warn } = providerAt();
    await amt.get();
    clock.now += CACHE_MS;

    // Act
    const stale = await amt.get();
    const staleAgain = await amt.get();
    clock.now += REFETCH_MS;
    const fresh = await amt.get();

    // Assess
    expect([stale, staleAgain, fresh]).toEqual([{ current: 'amt-1' }, { current: 'amt-1' }, { current: 'amt-2' }]);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 3);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['an empty string', { SecretString: '' }],
    ['the stack placeholder', { SecretString: AMT_SECRET_PLACEHOLDER }],
    ['no value at all', {}],
  ])(
    'reports a secret holding %s as not configured, and asks again only after the refetch interval',
    async (_label, output) => {
      // Prepare
      secrets.on(GetSecretValueCommand).resolvesOnce(output).resolves({ SecretString: 'amt-1' });
      const { amt, clock } = providerAt();

      // Act
      await expect(amt.get()).rejects.toBeInstanceOf(AmtNotConfiguredError);
      await expect(amt.get()).rejects.toBeInstanceOf(AmtNotConfiguredError);
      clock.now += REFETCH_MS;
      const configured = await amt.get();

      // Assess
      expect(configured).toEqual({ current: 'amt-1' });
      expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    },
  );

  it('reports a missing secret (or a secret without a value version) as not configured', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
        $metadata: {},
      }),
    );
    const { amt } = providerAt();

    // Act
    const result = amt.get();

    // Assess
    await expect(result).rejects.toBeInstanceOf(AmtNotConfiguredError);
  });
});

describe('staticAmtProvider', () => {
  it('serves fixed tokens and never refreshes', async () => {
    // Prepare
    const amt = staticAmtProvider({ current: 'amt-2', previous: 'amt-1' });

    // Act
    const tokens = await amt.get();
    const refreshed = await amt.refreshAfterMismatch();

    // Assess
    expect(tokens).toEqual({ current: 'amt-2', previous: 'amt-1' });
    expect(refreshed).toBeUndefined();
  });

  it('accepts the JSON string form', async () => {
    // Prepare
    const amt = staticAmtProvider('{"current":"amt-2","previous":"amt-1"}');

    // Act
    const tokens = await amt.get();

    // Assess
    expect(tokens).toEqual({ current: 'amt-2', previous: 'amt-1' });
  });

  it.each([[''], [AMT_SECRET_PLACEHOLDER], [{ current: '' }]])(
    'rejects %j like an unconfigured secret',
    async (tokens) => {
      // Prepare
      const amt = staticAmtProvider(tokens);

      // Act
      const result = amt.get();

      // Assess
      await expect(result).rejects.toBeInstanceOf(AmtNotConfiguredError);
    },
  );
});
