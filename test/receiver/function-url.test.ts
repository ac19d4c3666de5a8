import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleError, buildVehicleState, buildVerify } from '../../bin/cli/sample-events.ts';
import { MESSAGE_ATTRIBUTE, ROUTE_KIND, ROUTES } from '../../lambda/core/constants.ts';
import { computeSignature } from '../../lambda/core/signature.ts';
import { staticAmtProvider } from '../../lambda/receiver/signature-check.ts';
import { CHALLENGE_VECTORS, TEST_AMT, V1_RESPONSE_BODY, V7, V9 } from '../fixtures/smartcar-vectors.ts';
import { useTestQueue } from '../helpers/sqs.ts';
import {
  AMT,
  bodyOf,
  buildReceiver,
  enqueuedAttributes,
  enqueuedOutcome,
  functionUrlEvent,
  signatureHeader,
} from './factories.ts';

// A Lambda Function URL in front of the receiver (issue 14): the event is payload 2.0, but
// `routeKey` is always the placeholder `$default`, so only the path tells the data callback from
// the error callback. These tests feed the event as Lambda builds it and prove every step works.

const queue = useTestQueue();

afterEach(() => {
  vi.restoreAllMocks();
});

const routeOf = (message: { MessageAttributes?: Record<string, { StringValue?: string }> } | undefined) =>
  message?.MessageAttributes?.[MESSAGE_ATTRIBUTE.ROUTE]?.StringValue;

describe('a Function URL event: signature check and persist', () => {
  it('persists a signed base64 delivery byte for byte, with its attributes, before 200', async () => {
    // Prepare
    const { handler, outcomes } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const body = JSON.stringify(buildVehicleState({ eventId: 'evt-furl', deliveryId: 'dlv-furl' }));
    const event = functionUrlEvent({ body, headers: signatureHeader(body) });

    // Act
    const result = await handler(event);

    // Assess
    expect(event.isBase64Encoded).toBe(true);
    expect(event.routeKey).toBe('$default');
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ status: 'accepted' });
    const messages = await queue().drain();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.Body).toBe(body);
    expect(messages[0]?.MessageAttributes).toEqual(enqueuedAttributes({ eventId: 'evt-furl', deliveryId: 'dlv-furl' }));
    expect(outcomes).toEqual([enqueuedOutcome({ eventId: 'evt-furl', body })]);
  });

  it('checks the signature over the decoded bytes of a non-ASCII base64 body (V7)', async () => {
    // Prepare
    const { handler } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      amt: staticAmtProvider(TEST_AMT),
    });

    // Act
    const result = await handler(functionUrlEvent({ body: V7.body, headers: { 'sc-signature': V7.signature } }));

    // Assess
    expect(result.statusCode).toBe(200);
    const [message] = await queue().drain();
    expect(message?.Body).toBe(V7.body);
  });

  it('accepts a plain (not base64) body too, as Lambda sends for text content types', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const body = JSON.stringify(buildVehicleState({ eventId: 'evt-text' }));
    const event = functionUrlEvent({ body, headers: signatureHeader(body), base64: false });

    // Act
    const result = await handler(event);

    // Assess
    expect(event.isBase64Encoded).toBe(false);
    expect(result.statusCode).toBe(200);
    expect((await queue().drain()).map((m) => m.Body)).toEqual([body]);
  });

  it('refuses a wrong signature with 401 and enqueues nothing', async () => {
    // Prepare
    const { handler, outcomes } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const body = JSON.stringify(buildVehicleState());

    // Act
    const result = await handler(functionUrlEvent({ body, headers: signatureHeader(body, 'not-the-amt') }));

    // Assess
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toEqual({ error: 'signature_invalid' });
    expect(await queue().drain()).toEqual([]);
    expect(outcomes[0]).toMatchObject({ code: 'signature_invalid', signed: false, enqueued: false });
  });

  it('refuses a missing signature with 401 and enqueues nothing', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });

    // Act
    const result = await handler(functionUrlEvent({ body: JSON.stringify(buildVehicleState()) }));

    // Assess
    expect(result.statusCode).toBe(401);
    expect(await queue().drain()).toEqual([]);
  });

  it('refuses two SC-Signature headers, which a Function URL joins with a comma, and enqueues nothing', async () => {
    // Prepare: one real signature riding along with a forged one must not get the body in.
    const { handler, telemetry } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const body = JSON.stringify(buildVehicleState());
    const joined = `${computeSignature(AMT, body)},${computeSignature('forged', body)}`;

    // Act
    const result = await handler(functionUrlEvent({ body, headers: { 'sc-signature': joined } }));

    // Assess
    expect(result.statusCode).toBe(401);
    expect(await queue().drain()).toEqual([]);
    expect(telemetry.logs()[0]).toMatchObject({ code: 'signature_invalid', signatureCheck: 'malformed' });
  });

  it('answers 405 to a GET on the URL, before reading the body', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });

    // Act
    const result = await handler(functionUrlEvent({ method: 'GET' }));

    // Assess
    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ allow: 'POST' });
  });

  it('answers 503 enqueue_failed when SendMessage fails, so Smartcar retries', async () => {
    // Prepare: an error path, so a mocked client (the real queue cannot be made to fail on cue).
    const sqsClient = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const sqs = mockClient(sqsClient);
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('internal'), { name: 'InternalError' }));
    const { handler, outcomes } = buildReceiver({
      sqs: sqsClient,
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/0/q',
    });
    const body = JSON.stringify(buildVehicleState({ eventId: 'evt-down' }));

    // Act
    const result = await handler(functionUrlEvent({ body, headers: signatureHeader(body) }));

    // Assess
    expect(result.statusCode).toBe(503);
    expect(bodyOf(result)).toEqual({ error: 'enqueue_failed' });
    expect(outcomes[0]).toMatchObject({ code: 'enqueue_failed', enqueued: false, eventId: 'evt-down' });
    sqs.restore();
  });
});

describe('a Function URL event: VERIFY', () => {
  it.each(CHALLENGE_VECTORS)('answers challenge vector $id sent base64 and unsigned', async (vector) => {
    // Prepare
    const { handler } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      amt: staticAmtProvider(vector.key),
    });
    const event = functionUrlEvent({ body: JSON.stringify(buildVerify({ challenge: vector.challenge })) });

    // Act
    const result = await handler(event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ challenge: vector.answer });
    expect(await queue().drain()).toEqual([]);
  });

  it('answers the signed V9 VERIFY with exactly the V1 body', async () => {
    // Prepare
    const { handler, outcomes } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      amt: staticAmtProvider(TEST_AMT),
    });

    // Act
    const result = await handler(functionUrlEvent({ body: V9.body, headers: { 'sc-signature': V9.signature } }));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe(V1_RESPONSE_BODY);
    expect(outcomes[0]).toMatchObject({ code: 'verify_answered', signed: true, enqueued: false });
    expect(await queue().drain()).toEqual([]);
  });

  it('refuses an unsigned JSON-shaped challenge (the signing-oracle guard)', async () => {
    // Prepare
    const { handler } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const forged = '{"eventId":"evt-forged","eventType":"VEHICLE_STATE","data":{}}';
    const event = functionUrlEvent({ body: JSON.stringify(buildVerify({ challenge: forged })) });

    // Act
    const result = await handler(event);

    // Assess
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ error: 'challenge_refused' });
    expect(await queue().drain()).toEqual([]);
  });
});

describe('a Function URL event: the route comes from the path, not routeKey', () => {
  it.each([
    { label: 'the error callback path', path: ROUTES.ERROR_PATH, route: ROUTE_KIND.ERROR },
    { label: 'the error callback path with a trailing slash', path: `${ROUTES.ERROR_PATH}/`, route: ROUTE_KIND.ERROR },
    { label: 'the data callback path', path: ROUTES.DATA_PATH, route: ROUTE_KIND.DATA },
    { label: 'the URL root', path: '/', route: ROUTE_KIND.DATA },
  ])('tags a delivery on $label as route=$route', async ({ path, route }) => {
    // Prepare
    const { handler, outcomes } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const body = JSON.stringify(buildVehicleError({ eventId: 'evt-route' }));
    const event = functionUrlEvent({ body, headers: signatureHeader(body), path });

    // Act
    const result = await handler(event);

    // Assess
    expect(event.routeKey).toBe('$default');
    expect(result.statusCode).toBe(200);
    const [message] = await queue().drain();
    expect(routeOf(message)).toBe(route);
    expect(outcomes[0]?.route).toBe(route);
  });

  it('honours a custom error callback path', async () => {
    // Prepare
    const { handler } = buildReceiver({
      sqs: queue().sqs,
      queueUrl: queue().queueUrl,
      errorCallbackPath: '/hooks/errors',
    });
    const body = JSON.stringify(buildVehicleError());

    // Act
    const onCustom = await handler(functionUrlEvent({ body, headers: signatureHeader(body), path: '/hooks/errors' }));
    const onDefault = await handler(
      functionUrlEvent({ body, headers: signatureHeader(body), path: ROUTES.ERROR_PATH }),
    );

    // Assess
    expect([onCustom.statusCode, onDefault.statusCode]).toEqual([200, 200]);
    expect((await queue().drain()).map(routeOf).sort()).toEqual([ROUTE_KIND.DATA, ROUTE_KIND.ERROR]);
  });

  it('logs the Function URL request id, to correlate with its logs', async () => {
    // Prepare
    const { handler, telemetry } = buildReceiver({ sqs: queue().sqs, queueUrl: queue().queueUrl });
    const body = JSON.stringify(buildVehicleState());

    // Act
    await handler(functionUrlEvent({ body, headers: signatureHeader(body) }));

    // Assess
    expect(telemetry.logs()[0]).toMatchObject({ code: 'enqueued', requestId: 'furl-req-0001', route: 'data' });
  });
});
