import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleError, buildVehicleState, buildVerify } from '../../bin/cli/sample-events.ts';
import { MESSAGE_ATTRIBUTE, ROUTE_KIND, ROUTES } from '../../lambda/core/constants.ts';
import { computeSignature } from '../../lambda/core/signature.ts';
import { staticAmtProvider } from '../../lambda/receiver/signature-check.ts';
import { CHALLENGE_VECTORS, TEST_AMT, V1_RESPONSE_BODY, V4, V7, V9 } from '../fixtures/smartcar-vectors.ts';
import { useTestQueue } from '../helpers/sqs.ts';
import {
  AMT,
  bodyOf,
  buildReceiver,
  enqueuedAttributes,
  enqueuedOutcome,
  httpApiEvent,
  restApiEvent,
  signatureHeader,
  signedEvent,
} from './factories.ts';

const queue = useTestQueue();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('data events are persisted before 200', () => {
  it('enqueues a signed VEHICLE_STATE with its raw body and attributes', async () => {
    // Prepare
    const { handler, outcomes } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const payload = buildVehicleState({ eventId: 'evt-1', deliveryId: 'dlv-1' });
    const body = JSON.stringify(payload);

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ status: 'accepted' });
    const messages = await queue().drain();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.Body).toBe(body);
    expect(messages[0]?.MessageAttributes).toEqual(enqueuedAttributes({ eventId: 'evt-1', deliveryId: 'dlv-1' }));
    expect(outcomes).toEqual([enqueuedOutcome({ eventId: 'evt-1', body })]);
  });

  it('enqueues the published V4 vector byte for byte', async () => {
    // Prepare
    const { handler } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      amt: staticAmtProvider(TEST_AMT),
    });
    const event = httpApiEvent({ body: V4.body, headers: { 'sc-signature': V4.signature } });

    // Act
    const result = await handler(event);

    // Assess
    expect(result.statusCode).toBe(200);
    const [message] = await queue().drain();
    expect(message?.Body).toBe(V4.body);
  });

  it('verifies a base64-encoded UTF-8 body (V7) over its decoded bytes and enqueues the text', async () => {
    // Prepare
    const { handler } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      amt: staticAmtProvider(TEST_AMT),
    });
    const event = httpApiEvent({
      body: Buffer.from(V7.body, 'utf8').toString('base64'),
      isBase64Encoded: true,
      headers: { 'sc-signature': V7.signature },
    });

    // Act
    const result = await handler(event);

    // Assess
    expect(result.statusCode).toBe(200);
    const [message] = await queue().drain();
    expect(message?.Body).toBe(V7.body);
    expect(message?.MessageAttributes?.[MESSAGE_ATTRIBUTE.EVENT_TYPE]?.StringValue).toBe('VEHICLE_ERROR');
  });

  it.each([
    ['HTTP API, default stage', httpApiEvent({ path: ROUTES.ERROR_PATH })],
    ['HTTP API, named stage prefix in rawPath', httpApiEvent({ path: `/prod${ROUTES.ERROR_PATH}` })],
    ['HTTP API, trailing slash', httpApiEvent({ path: `${ROUTES.ERROR_PATH}/` })],
    ['REST API', restApiEvent({ path: ROUTES.ERROR_PATH })],
  ])('tags a delivery on the error callback path as route=error (%s)', async (_label, template) => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const body = JSON.stringify(buildVehicleError({ eventId: 'evt-err' }));
    const event = { ...template, body, headers: { ...template.headers, ...signatureHeader(body) } };

    // Act
    const result = await handler(event);

    // Assess
    expect(result.statusCode).toBe(200);
    const [message] = await queue().drain();
    expect(message?.MessageAttributes?.[MESSAGE_ATTRIBUTE.ROUTE]?.StringValue).toBe(ROUTE_KIND.ERROR);
  });

  it('honours a custom error callback path and leaves the data path as route=data', async () => {
    // Prepare
    const { handler } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      errorCallbackPath: '/hooks/errors',
    });
    const body = JSON.stringify(buildVehicleError());

    // Act
    const onCustom = await handler(signedEvent(body, { path: '/hooks/errors' }));
    const onDefault = await handler(signedEvent(body, { path: ROUTES.ERROR_PATH }));

    // Assess
    expect([onCustom.statusCode, onDefault.statusCode]).toEqual([200, 200]);
    const routes = (await queue().drain())
      .map((m) => m.MessageAttributes?.[MESSAGE_ATTRIBUTE.ROUTE]?.StringValue)
      .sort();
    expect(routes).toEqual([ROUTE_KIND.DATA, ROUTE_KIND.ERROR]);
  });

  it('accepts a REST API (1.0) event with a mixed-case SC-Signature header', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const body = JSON.stringify(buildVehicleState({ eventId: 'evt-rest' }));
    const event = restApiEvent({ body, headers: { 'SC-Signature': computeSignature(AMT, body) } });

    // Act
    const result = await handler(event);

    // Assess
    expect(result.statusCode).toBe(200);
    const [message] = await queue().drain();
    expect(message?.MessageAttributes?.[MESSAGE_ATTRIBUTE.EVENT_ID]?.StringValue).toBe('evt-rest');
  });

  it('persists a signed legacy 2.0 payload under its eventName, leaving absent ids out', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const body = JSON.stringify({
      version: '2.0',
      webhookId: 'wh-1',
      eventName: 'schedule',
      payload: { vehicles: [] },
    });

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(result.statusCode).toBe(200);
    const [message] = await queue().drain();
    expect(Object.keys(message?.MessageAttributes ?? {}).sort()).toEqual([
      MESSAGE_ATTRIBUTE.EVENT_TYPE,
      MESSAGE_ATTRIBUTE.RECEIVED_AT,
      MESSAGE_ATTRIBUTE.ROUTE,
    ]);
    expect(message?.MessageAttributes?.[MESSAGE_ATTRIBUTE.EVENT_TYPE]?.StringValue).toBe('schedule');
  });

  it('handles concurrent deliveries independently: each one persisted once', async () => {
    // Prepare
    const { handler, outcomes } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const bodies = Array.from({ length: 20 }, (_, i) => JSON.stringify(buildVehicleState({ eventId: `evt-c${i}` })));

    // Act
    const results = await Promise.all(bodies.map((body) => handler(signedEvent(body))));

    // Assess
    expect(results.map((r) => r.statusCode)).toEqual(bodies.map(() => 200));
    const stored = (await queue().drain()).map((m) => m.Body).sort();
    expect(stored).toEqual([...bodies].sort());
    expect(outcomes.filter((o) => o.enqueued)).toHaveLength(20);
  });
});

describe('VERIFY', () => {
  it.each(CHALLENGE_VECTORS)('answers challenge vector $id with the HMAC and enqueues nothing', async (vector) => {
    // Prepare
    const { handler, outcomes } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      amt: staticAmtProvider(vector.key),
    });
    const event = httpApiEvent({ body: JSON.stringify(buildVerify({ challenge: vector.challenge })) });

    // Act
    const result = await handler(event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(bodyOf(result)).toEqual({ challenge: vector.answer });
    expect(await queue().drain()).toEqual([]);
    expect(outcomes[0]).toMatchObject({ code: 'verify_answered', enqueued: false, eventType: 'VERIFY' });
  });

  it('answers the signed V9 VERIFY with exactly the V1 body', async () => {
    // Prepare
    const { handler } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      amt: staticAmtProvider(TEST_AMT),
    });
    const event = httpApiEvent({ body: V9.body, headers: { 'sc-signature': V9.signature } });

    // Act
    const result = await handler(event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe(V1_RESPONSE_BODY);
    expect(await queue().drain()).toEqual([]);
  });

  it('answers a legacy 2.0 verify (payload.challenge)', async () => {
    // Prepare
    const { handler } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      amt: staticAmtProvider(TEST_AMT),
    });
    const body = JSON.stringify({
      version: '2.0',
      webhookId: 'wh-1',
      eventName: 'verify',
      payload: { challenge: 'abc123' },
    });

    // Act
    const result = await handler(httpApiEvent({ body }));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe(V1_RESPONSE_BODY);
    expect(await queue().drain()).toEqual([]);
  });
});

describe('AMT rotation', () => {
  const rotated = staticAmtProvider({ current: 'new-amt', previous: AMT });

  it('accepts deliveries signed with the current or the previous AMT', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl, amt: rotated });
    const body = JSON.stringify(buildVehicleState());

    // Act
    const withCurrent = await handler(signedEvent(body, { amt: 'new-amt' }));
    const withPrevious = await handler(signedEvent(body, { amt: AMT }));

    // Assess
    expect([withCurrent.statusCode, withPrevious.statusCode]).toEqual([200, 200]);
    expect(await queue().drain()).toHaveLength(2);
  });

  it('refuses a delivery signed with a third AMT', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl, amt: rotated });
    const body = JSON.stringify(buildVehicleState());

    // Act
    const result = await handler(signedEvent(body, { amt: 'some-other-amt' }));

    // Assess
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toEqual({ error: 'signature_invalid' });
    expect(await queue().drain()).toEqual([]);
  });

  it('answers a signed VERIFY with the token that signed it, an unsigned one with the current AMT', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl, amt: rotated });
    const body = JSON.stringify(buildVerify({ challenge: 'abc123' }));

    // Act
    const signedByPrevious = await handler(signedEvent(body, { amt: AMT }));
    const unsigned = await handler(httpApiEvent({ body }));

    // Assess
    expect(bodyOf(signedByPrevious)).toEqual({ challenge: computeSignature(AMT, 'abc123') });
    expect(bodyOf(unsigned)).toEqual({ challenge: computeSignature('new-amt', 'abc123') });
  });
});

describe('size limits', () => {
  const paddedBody = (bytes: number): string => {
    const head = JSON.stringify({ eventId: 'evt-big', eventType: 'VEHICLE_STATE', pad: '' });
    return head.replace('"pad":""', `"pad":"${'x'.repeat(bytes - head.length)}"`);
  };

  it('enqueues a signed body of exactly the limit and quarantines one byte more', async () => {
    // Prepare
    const { handler, outcomes, quarantine } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      maxBodyBytes: 2_000,
    });
    const atLimit = paddedBody(2_000);
    const overLimit = paddedBody(2_001);

    // Act
    const accepted = await handler(signedEvent(atLimit));
    const kept = await handler(signedEvent(overLimit));

    // Assess
    expect(accepted.statusCode).toBe(200);
    expect(kept.statusCode).toBe(200);
    expect(bodyOf(kept)).toEqual({ status: 'quarantined' });
    expect((await queue().drain()).map((m) => m.Body)).toEqual([atLimit]);
    expect(outcomes[1]).toMatchObject({ code: 'quarantined', bodyBytes: 2_001, enqueued: false });
    expect((await quarantine.list!()).map((entry) => [entry.reason, entry.body.toString()])).toEqual([
      ['payload_too_large', overLimit],
    ]);
  });

  it('measures a base64 body by its decoded size', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl, maxBodyBytes: 2_000 });
    const body = paddedBody(2_000);
    const event = httpApiEvent({
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
      headers: signatureHeader(body),
    });

    // Act
    const result = await handler(event);

    // Assess
    expect(event.body!.length).toBeGreaterThan(2_000);
    expect(result.statusCode).toBe(200);
  });

  it('quarantines, before any send, a body within the limit that SQS could not store with its attributes', async () => {
    // Prepare
    const { handler, quarantine } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const send = vi.spyOn(queue().sqs, 'send');
    const body = paddedBody(1_048_576);

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(send).not.toHaveBeenCalled();
    expect((await quarantine.list!()).map((entry) => entry.reason)).toEqual(['payload_too_large']);
  });

  it('persists a body just small enough for SQS with its attributes', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const body = paddedBody(1_048_576 - 200);

    // Act
    const result = await handler(signedEvent(body));

    // Assess
    expect(result.statusCode).toBe(200);
    expect((await queue().drain())[0]?.Body).toHaveLength(body.length);
  });
});
