import { INGRESS_DEFAULTS } from './defaults.ts';

/**
 * The alarms' defaults: their periods, thresholds and the props every alarm shares. The other
 * infrastructure defaults live in `lib/defaults.ts`.
 */

/** Period of every alarm, in minutes ("more than 5 in 5 minutes"). */
export const ALARM_PERIOD_MINUTES = 5;

/** Period of the DLQ depth alarm, in minutes: react to the first dead letter quickly. */
export const DLQ_ALARM_PERIOD_MINUTES = 1;

/**
 * Period of the VEHICLE_ERROR share alarm, in minutes. The share is a fleet-health trend (an OEM
 * outage, revoked permissions), not an outage of this stack; an hour gives a small fleet enough
 * events for a ratio to mean something.
 */
export const VEHICLE_ERROR_ALARM_PERIOD_MINUTES = 60;

/**
 * Period of the handler failure rate alarm, in minutes: three alarm periods, so a handful of
 * attempts is enough for a rate at modest traffic, and a burst of retries cannot hide in it.
 */
export const HANDLER_FAILURE_ALARM_PERIOD_MINUTES = 15;

/**
 * Share of the stage's steady throttle (requests per alarm period) that 4xx answers may reach
 * before `Api4xx` fires: at a tenth of the capacity Smartcar's deliveries share, garbage traffic
 * is on its way to using it up, and 429s are 4xx too.
 */
export const API_4XX_SHARE_OF_THROTTLE = 0.1;

/**
 * The default `Api4xx` threshold for a stage throttled at `throttleRateLimit` requests per second.
 *
 * @example
 * ```ts
 * api4xxThresholdFor(200); // 6000 (10% of 200 rps over 5 minutes)
 * ```
 */
export function api4xxThresholdFor(throttleRateLimit: number): number {
  return Math.round(throttleRateLimit * ALARM_PERIOD_MINUTES * 60 * API_4XX_SHARE_OF_THROTTLE);
}

/**
 * Alarm thresholds. Every alarm fires when its statistic is strictly greater than the
 * threshold; counts are sums over {@link ALARM_PERIOD_MINUTES}. `vehicleErrorMinEvents` is no
 * threshold of its own but the volume below which the VEHICLE_ERROR share never fires.
 */
export const ALARM_DEFAULTS = {
  /** Any message in the DLQ is an event that was not processed. */
  dlqMessages: 0,
  /** Processing normally takes seconds; five minutes of backlog means the processor is stuck. */
  queueOldestAgeSeconds: 300,
  /** Any unhandled receiver error may be a lost delivery attempt. */
  receiverErrors: 0,
  /**
   * Smartcar counts a response after 15 s as failed; its monitoring guide says to alert when the
   * response time is over 10 s. This pages at 5 s on the p99, earlier on purpose: the receiver
   * normally answers in tens of milliseconds, so 5 s is already a dependency in trouble, and
   * paging at 10 s would leave 5 s before deliveries start failing.
   */
  receiverP99DurationMs: 5_000,
  /** Any 5xx is a delivery Smartcar has to retry; four failures and the event is gone. */
  api5xx: 0,
  /** Smartcar's monitoring guide: more than 5 signature failures in 5 minutes. */
  signatureInvalid: 5,
  /** Any failed SQS write is a 5xx Smartcar must retry. */
  enqueueFailed: 0,
  /** Any record failing on its last receive is about to land in the DLQ. */
  finalAttemptFailed: 0,
  /** The receiver cannot read the AMT: every delivery is answered 5xx. */
  secretUnavailable: 0,
  /** Processor crashes and timeouts (failed records are batch item failures, not errors). */
  processorErrors: 0,
  /** Any throttle delays deliveries (receiver) or processing (processor). */
  throttles: 0,
  /** Any event of a type with no handler was acknowledged and dropped (a new Smartcar type?). */
  unknownEventType: 0,
  /** Any 2.0-format payload was acknowledged and dropped: a webhook still on the legacy version. */
  legacyPayload: 0,
  /** Any record the processor cannot parse fails every attempt; this fires on its first one. */
  malformedRecord: 0,
  /** Any 4xx to a validly signed delivery refuses a real event on every retry: it is lost. */
  signedDeliveryRefused: 0,
  /** Any quarantined delivery was kept but not processed: someone has to look at it and requeue it. */
  quarantined: 0,
  /** Any failed quarantine write is a 5xx Smartcar must retry, for a body the queue cannot take. */
  quarantineFailed: 0,
  /** Any record whose archive write failed was retried (not lost), but Firehose is refusing or slow. */
  archiveFailed: 0,
  /**
   * Age of the oldest archived record Firehose has not yet written to S3, in seconds: normally up
   * to the 300 s buffering interval; three intervals means S3 delivery is failing (Firehose keeps
   * retrying for 24 hours, then the records are lost).
   */
  archiveDataFreshnessSeconds: 900,
  /**
   * API 4xx in 5 minutes (429 throttles included): 10% of the default stage throttle's capacity.
   * Follows `throttleRateLimit` unless set explicitly ({@link api4xxThresholdFor}).
   */
  api4xx: api4xxThresholdFor(INGRESS_DEFAULTS.throttleRateLimit),
  /** Smartcar's monitoring guide: alert when VEHICLE_ERROR is more than 10% (of vehicles; here of events). */
  vehicleErrorRatio: 0.1,
  /**
   * Smartcar's monitoring guide: alert when the processing error rate is over 5%. Here failed
   * handler attempts (`HandlerFailed`) over all attempts (`HandlerFailed` + `EventProcessed`) in
   * {@link HANDLER_FAILURE_ALARM_PERIOD_MINUTES}: a handler failing 30% of first attempts that
   * then succeed on retry never reaches the DLQ, and would page nobody without it.
   */
  handlerFailureRatio: 0.05,
  /**
   * Fewest handler attempts in the period for the rate to count: at 20, more than 5% is at least
   * two failures, so one transient failure on a quiet night does not page (the DLQ and
   * `FinalAttemptFailed` alarms still catch a failure that persists).
   */
  handlerFailureMinAttempts: 20,
  /**
   * Fewest events (VEHICLE_STATE + VEHICLE_ERROR) in the hour for the share to count: one error in
   * two events is 50% and means nothing; at 100 events, more than 10 errors is not a coincidence.
   */
  vehicleErrorMinEvents: 100,
} as const;
