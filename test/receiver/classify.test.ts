import { describe, expect, it } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { EVENT_ID_MAX_BYTES } from '../../lambda/core/constants.ts';
import { headerSafe } from '../../lambda/core/quarantine-layout.ts';
import { classifySignedBody } from '../../lambda/receiver/signed-request.ts';
import type { ClassifyOptions } from '../../lambda/receiver/types.ts';

/** The one classification the receiver and `npm run quarantine -- requeue` share. */

const OPTIONS: ClassifyOptions = {
  isBase64Encoded: false,
  route: 'data',
  receivedAt: 1_790_000_000_000,
  toleranceMs: 0,
  maxBodyBytes: 1_048_576,
};

const classify = (text: string) => classifySignedBody({ bytes: Buffer.from(text, 'utf8'), text }, OPTIONS);
const withEventId = (eventId: string): string => JSON.stringify(buildVehicleState({ eventId }));

describe('classifySignedBody', () => {
  it.each([
    [
      'an emoji (a valid surrogate pair, allowed by SQS)',
      withEventId('evt-1').replace('"TESLA"', '"TESLA 🚗"'),
      'deliver',
    ],
    ['a raw lone surrogate', withEventId('evt-2').replace('"TESLA"', '"TESLA\uD800"'), 'characters_sqs_refuses'],
    ['a raw U+FFFE', withEventId('evt-3').replace('"TESLA"', '"TESLA\uFFFE"'), 'characters_sqs_refuses'],
    ['an escaped control character in the eventId', withEventId('evt-\u0007'), 'characters_sqs_refuses'],
    ['an eventId of exactly the limit', withEventId('e'.repeat(EVENT_ID_MAX_BYTES)), 'deliver'],
    ['an eventId one byte over', withEventId('e'.repeat(EVENT_ID_MAX_BYTES + 1)), 'event_id_too_long'],
    ['an eventId over the limit in bytes, not characters', withEventId('€'.repeat(342)), 'event_id_too_long'],
  ])('classifies %s', (_name, text, expected) => {
    // Prepare: the body above.

    // Act
    const verdict = classify(text);

    // Assess
    expect(verdict.kind === 'quarantine' ? verdict.reason : verdict.kind).toBe(expected);
  });
});

describe('quarantine metadata', () => {
  it.each([
    ['dlv-1', 'dlv-1'],
    [' padded ', undefined],
    ['x'.repeat(257), undefined],
    ['caf\u00e9', undefined],
    ['a b', 'a b'],
  ])('keeps %j in a header as %j', (value, expected) => {
    // Prepare / Act
    const kept = headerSafe(value);

    // Assess
    expect(kept).toBe(expected);
  });
});
