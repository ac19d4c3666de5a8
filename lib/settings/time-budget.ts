import { worstCaseCallMs } from '../../lambda/core/sdk-client.ts';
import {
  ARCHIVE_DEADLINE_MS,
  DYNAMODB_CALLS_PER_RECORD,
  DYNAMODB_CLIENT_SETTINGS,
} from '../../lambda/processor/constants.ts';
import { S3_CLIENT_SETTINGS, SECRETS_CLIENT_SETTINGS, SQS_CLIENT_SETTINGS } from '../../lambda/receiver/constants.ts';

/** Room kept beside the SDK calls for everything else (init, HMAC, parsing, logging): 10%, at least 1 s. */
const MARGIN_SHARE = 0.1;
const MIN_MARGIN_MS = 1_000;

/**
 * The shortest timeout, in whole seconds, that still fits `worstCaseMs` of SDK calls plus the
 * margin: with less, a hung dependency makes Lambda kill the function before its own timeouts
 * fire, so a delivery gets no 5xx of ours and a record is not failed cleanly.
 *
 * @example
 * ```ts
 * minimumTimeoutSeconds(8_500); // 10 (8.5 s of calls + 1 s, rounded up)
 * ```
 */
export function minimumTimeoutSeconds(worstCaseMs: number): number {
  return Math.ceil(Math.max(worstCaseMs + MIN_MARGIN_MS, worstCaseMs / (1 - MARGIN_SHARE)) / 1000);
}

/**
 * The receiver's shortest timeout: a cold AMT fetch and then either the SendMessage or, for a body
 * the queue cannot take, the quarantine's PutObject, each timing out on every attempt
 * (`test/infra/time-budget.test.ts` checks the synthesized timeout the same way).
 *
 * @example
 * ```ts
 * RECEIVER_MIN_TIMEOUT_SECONDS; // 10
 * ```
 */
export const RECEIVER_MIN_TIMEOUT_SECONDS = minimumTimeoutSeconds(
  worstCaseCallMs(SECRETS_CLIENT_SETTINGS) +
    Math.max(worstCaseCallMs(SQS_CLIENT_SETTINGS), worstCaseCallMs(S3_CLIENT_SETTINGS)),
);

/**
 * The processor's shortest timeout: the archive step's deadline and a record's DynamoDB calls,
 * each timing out on every attempt.
 *
 * @example
 * ```ts
 * PROCESSOR_MIN_TIMEOUT_SECONDS; // 30
 * ```
 */
export const PROCESSOR_MIN_TIMEOUT_SECONDS = minimumTimeoutSeconds(
  ARCHIVE_DEADLINE_MS + DYNAMODB_CALLS_PER_RECORD * worstCaseCallMs(DYNAMODB_CLIENT_SETTINGS),
);
