import { describe, expect, it, vi } from 'vitest';
import { computeSignature } from '../../lambda/core/signature.ts';
import { challengeAnswer, isOpaqueChallenge } from '../../lambda/receiver/challenge.ts';
import { AmtUnavailableError, ReceiverError, SecretUnavailableError } from '../../lambda/receiver/errors.ts';
import { checkSignature, secretUnavailable, staticAmtProvider } from '../../lambda/receiver/signature-check.ts';
import type { AmtProvider, AmtTokens } from '../../lambda/receiver/types.ts';
import { CHALLENGE_VECTORS } from '../fixtures/smartcar-vectors.ts';

// The pipeline's steps on their own, as a fork that reuses one of them would call it. The
// handler-level tests (receiver.test.ts and the rest) prove them together.

const raw = (text: string) => ({ bytes: Buffer.from(text, 'utf8'), text });

/** An AmtProvider that counts its calls; `refreshed` is what `refreshAfterMismatch` answers. */
function countingProvider(tokens: AmtTokens, refreshed?: AmtTokens | Error): AmtProvider & { calls: () => number } {
  const get = vi.fn(async () => tokens);
  const refresh = vi.fn(async () => {
    if (refreshed instanceof Error) throw refreshed;
    return refreshed;
  });
  return { get, refreshAfterMismatch: refresh, calls: () => get.mock.calls.length + refresh.mock.calls.length };
}

describe('checkSignature', () => {
  it('refuses a missing or malformed header without asking for the secret', async () => {
    // Prepare
    const amt = countingProvider({ current: 'amt' });

    // Act
    const missing = await checkSignature(raw('{}'), undefined, amt);
    const malformed = await checkSignature(raw('{}'), 'not-hex', amt);

    // Assess
    expect(missing).toEqual({ failure: 'missing', refetched: false });
    expect(malformed).toEqual({ failure: 'malformed', refetched: false });
    expect(amt.calls()).toBe(0);
  });

  it('names the token that matched: the previous one during a rotation', async () => {
    // Prepare
    const amt = countingProvider({ current: 'new', previous: 'old' });
    const body = '{"eventType":"VEHICLE_STATE"}';

    // Act
    const check = await checkSignature(raw(body), computeSignature('old', body), amt);

    // Assess
    expect(check).toMatchObject({ matchedToken: 'old', refetched: false });
  });

  it('matches with the refetched AMT after a mismatch, so a rotation needs no redeploy', async () => {
    // Prepare
    const amt = countingProvider({ current: 'stale' }, { current: 'rotated' });
    const body = '{"eventType":"VEHICLE_STATE"}';

    // Act
    const check = await checkSignature(raw(body), computeSignature('rotated', body), amt);

    // Assess
    expect(check).toEqual({ matchedToken: 'rotated', tokens: { current: 'rotated' }, refetched: true });
  });

  it('throws SecretUnavailableError when the refetch fails: a rotated AMT we cannot read is 503, not 401', async () => {
    // Prepare
    const outage = new AmtUnavailableError();
    const amt = countingProvider({ current: 'stale' }, outage);
    const body = '{"eventType":"VEHICLE_STATE"}';

    // Act
    const check = checkSignature(raw(body), computeSignature('rotated', body), amt);

    // Assess
    const error = await check.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect(error).toBeInstanceOf(ReceiverError);
    expect((error as SecretUnavailableError).cause).toBe(outage);
    expect(secretUnavailable(error as SecretUnavailableError)).toMatchObject({
      code: 'secret_unavailable',
      details: { reason: 'unavailable', error: 'AMT secret could not be read' },
    });
  });

  it('reports a placeholder secret as not configured', async () => {
    // Prepare
    const amt = staticAmtProvider('');
    const body = '{}';

    // Act
    const error = await checkSignature(raw(body), computeSignature('x', body), amt).catch((caught: unknown) => caught);

    // Assess
    expect(secretUnavailable(error as SecretUnavailableError)).toMatchObject({ details: { reason: 'not_configured' } });
  });
});

describe('the challenge answer', () => {
  it.each(CHALLENGE_VECTORS)('computes vector $id', (vector) => {
    // Act
    const answer = challengeAnswer(vector.key, vector.challenge);

    // Assess
    expect(JSON.parse(answer)).toEqual({ challenge: vector.answer });
  });

  it.each([
    ['a UUID', '3a5c8f72-e6d9-4b1a-9f2e-8c7d6a5b4e3f', true],
    ['an opaque token', 'abc123._~-', true],
    ['a JSON object', '{"eventType":"VEHICLE_STATE"}', false],
    ['text with a space', 'abc 123', false],
    ['an empty string', '', false],
  ])('answers unsigned only an opaque challenge: %s', (_label, challenge, opaque) => {
    // Act
    const answerable = isOpaqueChallenge(challenge);

    // Assess
    expect(answerable).toBe(opaque);
  });
});
