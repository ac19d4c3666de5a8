import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVehicleState, buildVerify } from '../../bin/cli/sample-events.ts';
import { ROUTES, SERVICE } from '../../lambda/core/constants.ts';
import { computeSignature } from '../../lambda/core/signature.ts';
import { OPAQUE_CHALLENGE_PATTERN, SIGNATURE_HEADER } from '../../lambda/receiver/constants.ts';
import { createReceiverHandler } from '../../lambda/receiver/receiver.ts';
import { staticAmtProvider } from '../../lambda/receiver/signature-check.ts';
import { toHttpApiEvent } from '../../local/http-event.ts';
import { createLocalMetrics } from '../../local/powertools.ts';
import { LocalQuarantineStore } from '../../local/quarantine-store.ts';

/**
 * Bad-input fuzzing of the receiver (fast-check): random bodies, headers, methods, routes and
 * signatures, a share of them correctly signed so the property is checked on both sides. The
 * queue is a recording stand-in for SQS (it never fails, so any 5xx is the receiver's fault), and
 * the logger records what it is given so secrets in logs are caught too.
 */

const AMT = randomBytes(32).toString('hex');
const RUNS = 3_000;

interface Harness {
  handler: ReturnType<typeof createReceiverHandler>;
  sent: Array<{ MessageBody?: string }>;
  /** Where signed bodies the queue cannot take are stored (in memory). */
  quarantine: LocalQuarantineStore;
  logged: string[];
}

function harness(): Harness {
  const sent: Harness['sent'] = [];
  const quarantine = new LocalQuarantineStore();
  const logged: string[] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      logged.push(`${level} ${JSON.stringify(args)}`);
  const sqs = {
    send: async (command: SendMessageCommand) => {
      sent.push(command.input);
      return { MessageId: randomUUID() };
    },
  } as unknown as SQSClient;
  const logger = {
    debug: record('DEBUG'),
    info: record('INFO'),
    warn: record('WARN'),
    error: record('ERROR'),
  } as unknown as Logger;
  const handler = createReceiverHandler({
    queueUrl: 'http://127.0.0.1/000000000000/fuzz',
    sqs,
    amt: staticAmtProvider({ current: AMT }),
    quarantine,
    logger,
    metrics: createLocalMetrics(SERVICE.RECEIVER),
  });
  return { handler, sent, quarantine, logged };
}

/** Bodies: noise, JSON of any shape, Smartcar-like envelopes with random fields, VERIFYs. */
const bodyArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 600 }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  fc
    .record(
      {
        eventId: fc.oneof(fc.uuid(), fc.string(), fc.integer()),
        eventType: fc.oneof(fc.constantFrom('VEHICLE_STATE', 'VEHICLE_ERROR', 'VERIFY'), fc.string()),
        data: fc.oneof(
          fc.jsonValue({ maxDepth: 2 }),
          fc.record({
            challenge: fc.oneof(
              fc.uuid(),
              fc.string(),
              fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
            ),
          }),
        ),
        meta: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    )
    .map((v) => Buffer.from(JSON.stringify(v))),
  fc.constant(0).map(() => Buffer.from(JSON.stringify(buildVehicleState({ signalCount: 2 })))),
  fc
    .oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constant('{"eventType":"VEHICLE_STATE","eventId":"forged"}'))
    .map((challenge) => Buffer.from(JSON.stringify(buildVerify({ challenge })))),
);

type SignatureKind = 'none' | 'hex' | 'junk' | 'other-key' | 'other-body' | 'valid' | 'valid-upper';

const signatureKindArb = fc.constantFrom<SignatureKind>(
  'none',
  'hex',
  'junk',
  'other-key',
  'other-body',
  'valid',
  'valid-upper',
);

function signatureFor(kind: SignatureKind, body: Buffer, hex: string, junk: string): string | undefined {
  switch (kind) {
    case 'none':
      return undefined;
    case 'hex':
      return hex;
    case 'junk':
      return junk;
    case 'other-key':
      return computeSignature(`${AMT}x`, body);
    case 'other-body':
      return computeSignature(AMT, Buffer.concat([body, Buffer.from(' ')]));
    case 'valid':
      return computeSignature(AMT, body);
    case 'valid-upper':
      return computeSignature(AMT, body).toUpperCase();
  }
}

const requestArb = fc.record({
  body: bodyArb,
  signatureKind: signatureKindArb,
  hex: fc.stringMatching(/^[0-9a-f]{64}$/),
  junk: fc.string({ maxLength: 80 }),
  method: fc.oneof(fc.constant('POST'), fc.constant('POST'), fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH')),
  path: fc.constantFrom(ROUTES.DATA_PATH, ROUTES.ERROR_PATH),
  contentType: fc.option(
    fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded'),
    { nil: undefined },
  ),
  extraHeaders: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), fc.string({ maxLength: 40 }), {
    maxKeys: 4,
  }),
});

type FuzzRequest = typeof requestArb extends fc.Arbitrary<infer R> ? R : never;

function toEvent(request: FuzzRequest): APIGatewayProxyEventV2 {
  const signature = signatureFor(request.signatureKind, request.body, request.hex, request.junk);
  const headers: Record<string, string> = { ...request.extraHeaders };
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  if (signature !== undefined) headers[SIGNATURE_HEADER] = signature;
  return toHttpApiEvent(
    {
      method: request.method,
      url: request.path,
      rawHeaders: Object.entries(headers).flat(),
      body: request.body,
      sourceIp: '203.0.113.9',
      httpVersion: '1.1',
    },
    `${request.method} ${request.path}`,
    'fuzz.local',
  );
}

/** The VERIFY challenge in `body`, if it is a VERIFY with a string challenge. */
function verifyChallenge(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { eventType?: unknown; data?: { challenge?: unknown } };
    return parsed?.eventType === 'VERIFY' && typeof parsed.data?.challenge === 'string'
      ? parsed.data.challenge
      : undefined;
  } catch {
    return undefined;
  }
}

describe('Reliability: receiver bad-input fuzzing', () => {
  it('never enqueues or quarantines without a valid signature over the exact bytes, never 2xx for unsigned data, never 5xx, never throws', async () => {
    // Prepare
    const { handler, sent, quarantine, logged } = harness();
    const seen = { signedAccepted: 0, verifyAnswered: 0, quarantined: 0, refused: 0 };

    // Act & Assess
    await fc.assert(
      fc.asyncProperty(requestArb, async (request) => {
        const event = toEvent(request);
        const header = event.headers[SIGNATURE_HEADER];
        const validlySigned =
          header !== undefined &&
          /^[0-9a-fA-F]{64}$/.test(header) &&
          header.toLowerCase() === computeSignature(AMT, request.body);
        const sentBefore = sent.length;
        const storedBefore = new Set((await quarantine.list()).map((entry) => entry.key));
        const loggedBefore = logged.length;

        const result = await handler(event);

        const enqueued = sent.slice(sentBefore);
        const stored = (await quarantine.list()).filter((entry) => !storedBefore.has(entry.key));
        expect(result.statusCode).toBeLessThan(500);
        if (!validlySigned) expect(enqueued).toEqual([]);
        if (!validlySigned) expect(stored).toEqual([]);
        for (const message of enqueued) expect(message.MessageBody).toBe(request.body.toString('utf8'));
        for (const entry of stored) expect(entry.body.equals(request.body)).toBe(true);
        if (result.statusCode >= 200 && result.statusCode < 300) {
          if (enqueued.length === 1) {
            seen.signedAccepted++;
          } else if (stored.length === 1) {
            // Signed, but the queue cannot take it: kept byte for byte in the quarantine.
            expect(JSON.parse(result.body)).toEqual({ status: 'quarantined' });
            seen.quarantined++;
          } else {
            // The only 2xx without an enqueue: a VERIFY, answered with HMAC(AMT, challenge);
            // unsigned, only when the challenge is opaque (never a body an attacker could use).
            const challenge = verifyChallenge(request.body);
            expect(challenge).toBeDefined();
            expect(JSON.parse(result.body)).toEqual({ challenge: computeSignature(AMT, challenge!) });
            if (!validlySigned) expect(challenge).toMatch(OPAQUE_CHALLENGE_PATTERN);
            seen.verifyAnswered++;
          }
        } else {
          expect(result.statusCode).toBeGreaterThanOrEqual(400);
          expect(enqueued).toEqual([]);
          expect(stored).toEqual([]);
          seen.refused++;
        }
        const lines = logged.slice(loggedBefore).join('\n');
        expect(lines).not.toContain(AMT);
        if (header && header.length >= 32) expect(lines).not.toContain(header);
        if (request.body.length >= 40) expect(lines).not.toContain(request.body.toString('utf8'));
      }),
      { numRuns: RUNS },
    );
    // The generators must reach every side of the property, or it proves little.
    expect(seen.signedAccepted).toBeGreaterThan(0);
    expect(seen.verifyAnswered).toBeGreaterThan(0);
    expect(seen.quarantined).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(RUNS / 2);
  }, 120_000);

  it('answers an unsigned VERIFY only for an opaque challenge, and never enqueues it', async () => {
    // Prepare
    const { handler, sent } = harness();
    const challengeArb = fc.oneof(
      fc.uuid(),
      fc.stringMatching(/^[A-Za-z0-9._~-]{1,64}$/),
      fc.string({ maxLength: 64 }),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? ''),
    );

    // Act & Assess
    await fc.assert(
      fc.asyncProperty(
        challengeArb,
        fc.constantFrom<SignatureKind>('none', 'hex', 'junk', 'other-key'),
        async (challenge, kind) => {
          const body = Buffer.from(JSON.stringify(buildVerify({ challenge })));
          const event = toEvent({
            body,
            signatureKind: kind,
            hex: 'ab'.repeat(32),
            junk: 'sha256=nope',
            method: 'POST',
            path: ROUTES.DATA_PATH,
            contentType: 'application/json',
            extraHeaders: {},
          });
          const sentBefore = sent.length;

          const result = await handler(event);

          expect(sent.length).toBe(sentBefore);
          if (OPAQUE_CHALLENGE_PATTERN.test(challenge)) {
            expect(result.statusCode).toBe(200);
            expect(JSON.parse(result.body)).toEqual({ challenge: computeSignature(AMT, challenge) });
          } else {
            expect(result.statusCode).toBeGreaterThanOrEqual(400);
            expect(result.statusCode).toBeLessThan(500);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  }, 60_000);
});
