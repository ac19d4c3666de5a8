import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState, buildVerify } from '../../bin/cli/sample-events.ts';
import { computeSignature } from '../../lambda/core/signature.ts';
import type { ReceiverEvent } from '../../lambda/receiver/types.ts';
import { V4, V5 } from '../fixtures/smartcar-vectors.ts';
import { useTestQueue } from '../helpers/sqs.ts';
import { AMT, bodyOf, buildReceiver, httpApiEvent, restApiEvent, signatureHeader, signedEvent } from './factories.ts';

/** The limit used by this table, small enough to build oversized bodies cheaply. */
const MAX_BODY_BYTES = 8_192;

const state = JSON.stringify(buildVehicleState({ eventId: 'evt-table' }));
const otherState = JSON.stringify(buildVehicleState({ eventId: 'evt-other' }));
const verifyWith = (challenge: unknown): string => {
  const payload = buildVerify();
  return JSON.stringify({ ...payload, data: { challenge } });
};
const legacyVerifyWith = (challenge: unknown): string =>
  JSON.stringify({ version: '2.0', webhookId: 'wh-1', eventName: 'verify', payload: { challenge } });
const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const oversized = JSON.stringify({ eventType: 'VEHICLE_STATE', pad: 'x'.repeat(MAX_BODY_BYTES) });
const largeUnsignedVerify = JSON.stringify({ ...buildVerify({ challenge: 'abc123' }), pad: 'x'.repeat(5_000) });

interface Case {
  name: string;
  event: ReceiverEvent;
  status: number;
  /** `error` code in the body, or `undefined` for a 200. */
  error?: string;
  sent: boolean;
  /** Signed but not processable: stored in the quarantine for this reason, then answered 200. */
  quarantined?: string;
  /** The bytes the quarantine must hold (the body as Smartcar signed it). */
  signedBytes?: Buffer;
}

/** A signed body the queue cannot take: 200 once stored in the quarantine, byte for byte. */
const quarantinedCase = (name: string, event: ReceiverEvent, reason: string, bytes: string): Case => ({
  name,
  event,
  status: 200,
  sent: false,
  quarantined: reason,
  signedBytes: Buffer.from(bytes, 'utf8'),
});

const cases: Case[] = [
  // Signature header: absent, garbled, or for other bytes
  {
    name: 'no signature header',
    event: httpApiEvent({ body: state }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  {
    name: 'empty signature header',
    event: httpApiEvent({ body: state, headers: { 'sc-signature': '' } }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  {
    name: 'signature of another body',
    event: httpApiEvent({ body: state, headers: signatureHeader(otherState) }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  {
    name: 'signature made with another AMT',
    event: signedEvent(state, { amt: 'wrong-amt' }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  {
    name: '63-character signature',
    event: httpApiEvent({ body: state, headers: { 'sc-signature': computeSignature(AMT, state).slice(1) } }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  {
    name: '65-character signature',
    event: httpApiEvent({ body: state, headers: { 'sc-signature': `${computeSignature(AMT, state)}0` } }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  {
    name: 'non-hex signature',
    event: httpApiEvent({ body: state, headers: { 'sc-signature': 'z'.repeat(64) } }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  {
    name: 'prefixed signature (sha256=...)',
    event: httpApiEvent({ body: state, headers: { 'sc-signature': `sha256=${computeSignature(AMT, state)}` } }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  {
    name: 'V4 signature on pretty-printed V4 (V5)',
    event: httpApiEvent({ body: V5.body, headers: { 'sc-signature': V4.signature } }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  {
    name: 'signature over the base64 text instead of the bytes',
    event: httpApiEvent({ body: base64(state), isBase64Encoded: true, headers: signatureHeader(base64(state)) }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  {
    name: 'two different signatures (REST multiValueHeaders)',
    event: restApiEvent({
      body: state,
      headers: {},
      multiValueHeaders: { 'SC-Signature': [computeSignature(AMT, state), 'a'.repeat(64)] },
    }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  {
    name: 'unsigned non-JSON body',
    event: httpApiEvent({ body: 'hello' }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  {
    name: 'unsigned VERIFY-shaped body over 4 KB',
    event: httpApiEvent({ body: largeUnsignedVerify }),
    status: 401,
    error: 'signature_invalid',
    sent: false,
  },
  // Header spelling and transport encodings that must still work
  {
    name: 'uppercase hex signature',
    event: httpApiEvent({ body: state, headers: { 'sc-signature': computeSignature(AMT, state).toUpperCase() } }),
    status: 200,
    sent: true,
  },
  {
    name: 'header spelled SC-Signature (HTTP API event)',
    event: httpApiEvent({ body: state, headers: { 'SC-Signature': computeSignature(AMT, state) } }),
    status: 200,
    sent: true,
  },
  {
    name: 'header spelled SC-SIGNATURE (REST event)',
    event: restApiEvent({ body: state, headers: { 'SC-SIGNATURE': computeSignature(AMT, state) } }),
    status: 200,
    sent: true,
  },
  {
    name: 'signature only in REST multiValueHeaders',
    event: restApiEvent({
      body: state,
      headers: {},
      multiValueHeaders: { 'sc-signature': [computeSignature(AMT, state)] },
    }),
    status: 200,
    sent: true,
  },
  {
    name: 'base64-encoded signed body',
    event: httpApiEvent({ body: base64(state), isBase64Encoded: true, headers: signatureHeader(state) }),
    status: 200,
    sent: true,
  },
  {
    name: 'signed event of an unknown type',
    event: signedEvent(JSON.stringify({ eventId: 'e-new', eventType: 'SOMETHING_NEW', data: {} })),
    status: 200,
    sent: true,
  },
  // Body size and presence
  { name: 'empty body', event: signedEvent(''), status: 400, error: 'bad_request', sent: false },
  {
    name: 'missing body (null)',
    event: restApiEvent({ body: null, headers: signatureHeader('') }),
    status: 400,
    error: 'bad_request',
    sent: false,
  },
  quarantinedCase('signed body over the limit', signedEvent(oversized), 'payload_too_large', oversized),
  quarantinedCase(
    'signed base64 body over the limit',
    httpApiEvent({ body: base64(oversized), isBase64Encoded: true, headers: signatureHeader(oversized) }),
    'payload_too_large',
    oversized,
  ),
  {
    name: 'body over the limit with a signature of other bytes',
    event: httpApiEvent({ body: oversized, headers: signatureHeader(state) }),
    status: 413,
    error: 'payload_too_large',
    sent: false,
  },
  {
    name: 'unsigned body over the limit',
    event: httpApiEvent({ body: oversized }),
    status: 413,
    error: 'payload_too_large',
    sent: false,
  },
  // Method
  {
    name: 'GET (HTTP API)',
    event: httpApiEvent({ method: 'GET' }),
    status: 405,
    error: 'method_not_allowed',
    sent: false,
  },
  {
    name: 'PUT with a signed body (REST)',
    event: restApiEvent({ method: 'PUT', body: state, headers: signatureHeader(state) }),
    status: 405,
    error: 'method_not_allowed',
    sent: false,
  },
  // Signed but not a usable event
  ...(
    [
      ['signed non-JSON', 'not json', 'not_json_object'],
      ['signed JSON array', '[{"eventType":"VEHICLE_STATE"}]', 'not_json_object'],
      ['signed JSON string', '"VEHICLE_STATE"', 'not_json_object'],
      ['signed JSON null', 'null', 'not_json_object'],
      ['signed truncated JSON', state.slice(0, -1), 'not_json_object'],
      ['signed object without eventType', '{"eventId":"e-1","data":{}}', 'missing_event_type'],
      ['signed empty eventType', '{"eventId":"e-1","eventType":""}', 'missing_event_type'],
      ['signed numeric eventType', '{"eventId":"e-1","eventType":7}', 'missing_event_type'],
    ] as const
  ).map(([name, body, reason]) => quarantinedCase(name, signedEvent(body), reason, body)),
  {
    name: 'signed VERIFY without challenge',
    event: signedEvent('{"eventType":"VERIFY","data":{}}'),
    status: 400,
    error: 'bad_request',
    sent: false,
  },
  // The signing oracle: unsigned VERIFY with a challenge that could be a body
  {
    name: 'oracle: unsigned VERIFY, challenge is a JSON body (V4)',
    event: httpApiEvent({ body: verifyWith(V4.body) }),
    status: 400,
    error: 'challenge_refused',
    sent: false,
  },
  {
    name: 'oracle: unsigned VERIFY, challenge is a JSON array',
    event: httpApiEvent({ body: verifyWith('[1,2]') }),
    status: 400,
    error: 'challenge_refused',
    sent: false,
  },
  {
    name: 'oracle: unsigned VERIFY, challenge with leading whitespace and brace',
    event: httpApiEvent({ body: verifyWith(' {"eventType":"VEHICLE_STATE"}') }),
    status: 400,
    error: 'challenge_refused',
    sent: false,
  },
  {
    name: 'oracle: unsigned VERIFY, challenge with quotes',
    event: httpApiEvent({ body: verifyWith('"abc"') }),
    status: 400,
    error: 'challenge_refused',
    sent: false,
  },
  {
    name: 'oracle: unsigned VERIFY, challenge with a space',
    event: httpApiEvent({ body: verifyWith('abc 123') }),
    status: 400,
    error: 'challenge_refused',
    sent: false,
  },
  {
    name: 'oracle: unsigned VERIFY, challenge of 257 characters',
    event: httpApiEvent({ body: verifyWith('a'.repeat(257)) }),
    status: 400,
    error: 'challenge_refused',
    sent: false,
  },
  {
    name: 'oracle: unsigned VERIFY, empty challenge',
    event: httpApiEvent({ body: verifyWith('') }),
    status: 400,
    error: 'challenge_refused',
    sent: false,
  },
  {
    name: 'oracle: unsigned VERIFY, numeric challenge',
    event: httpApiEvent({ body: verifyWith(123) }),
    status: 400,
    error: 'challenge_refused',
    sent: false,
  },
  {
    name: 'oracle: unsigned VERIFY, no challenge at all',
    event: httpApiEvent({ body: '{"eventType":"VERIFY","data":{}}' }),
    status: 400,
    error: 'challenge_refused',
    sent: false,
  },
  {
    name: 'oracle: VERIFY with a wrong signature, JSON challenge',
    event: httpApiEvent({ body: verifyWith(V4.body), headers: { 'sc-signature': 'a'.repeat(64) } }),
    status: 400,
    error: 'challenge_refused',
    sent: false,
  },
  {
    name: 'oracle: legacy 2.0 verify, JSON challenge',
    event: httpApiEvent({ body: legacyVerifyWith(V4.body) }),
    status: 400,
    error: 'challenge_refused',
    sent: false,
  },
  // VERIFY that is answered, never enqueued
  {
    name: 'unsigned VERIFY, UUID challenge',
    event: httpApiEvent({ body: verifyWith('3a5c8f72-e6d9-4b1a-9f2e-8c7d6a5b4e3f') }),
    status: 200,
    sent: false,
  },
  {
    name: 'unsigned legacy 2.0 verify, opaque challenge',
    event: httpApiEvent({ body: legacyVerifyWith('abc123') }),
    status: 200,
    sent: false,
  },
  {
    name: 'signed VERIFY, JSON-shaped challenge (signed is always answered)',
    event: signedEvent(verifyWith(V4.body)),
    status: 200,
    sent: false,
  },
  {
    name: 'signed lowercase eventType "verify"',
    event: signedEvent('{"eventType":"verify","data":{"challenge":"abc"}}'),
    status: 200,
    sent: false,
  },
];

const queue = useTestQueue('bad-inputs');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('bad and odd inputs', () => {
  it('covers at least 25 cases', () => {
    // Prepare / Act / Assess
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('$name -> $status', async ({ event, status, error, sent, quarantined, signedBytes }) => {
    // Prepare
    const { handler, outcomes, quarantine } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      maxBodyBytes: MAX_BODY_BYTES,
    });
    const send = vi.spyOn(queue().sqs, 'send');

    // Act
    const result = await handler(event);

    // Assess
    expect(result.statusCode).toBe(status);
    expect(result.headers).toMatchObject({ 'content-type': 'application/json' });
    if (error) expect(bodyOf(result)).toEqual({ error });
    const sendMessages = send.mock.calls.filter(([command]) => command instanceof SendMessageCommand);
    expect(sendMessages.length).toBe(sent ? 1 : 0);
    expect(await queue().drain()).toHaveLength(sent ? 1 : 0);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ statusCode: status, enqueued: sent });
    const stored = (await quarantine.list?.()) ?? [];
    if (quarantined) {
      expect(bodyOf(result)).toEqual({ status: 'quarantined' });
      expect(stored).toHaveLength(1);
      expect(stored[0]?.reason).toBe(quarantined);
      expect(stored[0]?.body.equals(signedBytes!)).toBe(true);
    } else {
      expect(stored).toEqual([]);
    }
  });

  it('answers 405 with an Allow header', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });

    // Act
    const result = await handler(httpApiEvent({ method: 'DELETE' }));

    // Assess
    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ allow: 'POST' });
  });

  it('never puts internal error text in a response body', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl, maxBodyBytes: MAX_BODY_BYTES });

    // Act
    const results = await Promise.all(cases.map(({ event }) => handler(event)));

    // Assess
    for (const result of results) {
      expect(result.body.length).toBeLessThan(120);
      expect([['challenge'], ['error'], ['status']]).toContainEqual(Object.keys(bodyOf(result)));
    }
  });
});
