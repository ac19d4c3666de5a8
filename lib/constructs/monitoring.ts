import { Duration } from 'aws-cdk-lib';
import { Alarm, type AlarmProps, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRIC, SERVICE } from '../../lambda/core/constants.ts';
import {
  ALARM_DEFAULTS,
  ALARM_PERIOD_MINUTES,
  api4xxThresholdFor,
  DLQ_ALARM_PERIOD_MINUTES,
  HANDLER_FAILURE_ALARM_PERIOD_MINUTES,
} from '../alarm-defaults.ts';
import { handlerFailureRate, serviceMetric, vehicleErrorShare } from '../metrics.ts';
import { overrideProps } from '../override-props.ts';
import type { AlarmThresholds, MonitoredResources } from '../types.ts';
import { alarmTopic } from './alarm-topic.ts';

/**
 * Props of every alarm: the first period over the threshold alarms (each watches a failure that
 * already lost or delayed an event), and no data means nothing failed.
 */
export const ALARM_PROPS_DEFAULTS = {
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: TreatMissingData.NOT_BREACHING,
} as const;

/** Properties of {@link Monitoring}. */
export interface MonitoringProps extends MonitoredResources {
  /**
   * Email address subscribed to the alarm topic (the recipient must confirm).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Thresholds to override; each alarm fires when its statistic is greater than its threshold.
   * @default ALARM_DEFAULTS
   */
  readonly thresholds?: Partial<AlarmThresholds>;
  /**
   * Customer managed key of the alarm topic (`-c encryptionKey`). `grantPublish` below then also
   * lets cloudwatch.amazonaws.com Decrypt and GenerateDataKey* on it, for these alarms only
   * (SNS guide: event sources from AWS services and encrypted topics).
   * @default - no SNS-level encryption (see the AwsSolutions-SNS2 acknowledgement)
   */
  readonly encryptionKey?: IKey;
  /**
   * Alarm props merged over every alarm's (say, `evaluationPeriods: 3` and `datapointsToAlarm: 2`
   * for fewer pages on short spikes).
   * @default ALARM_PROPS_DEFAULTS: 1 of 1 periods, missing data not breaching
   */
  readonly alarmProps?: AlarmOverrides;
}

/** The alarm props a caller may set for every alarm. */
export type AlarmOverrides = Partial<
  Pick<AlarmProps, 'evaluationPeriods' | 'datapointsToAlarm' | 'treatMissingData' | 'actionsEnabled'>
>;

/**
 * The alarm topic (TLS-only, optional email subscription) and one alarm per failure mode,
 * each notifying the topic on ALARM and on OK. Custom-metric alarms treat missing data as
 * not breaching: no datapoint means nothing failed.
 *
 * @example
 * ```ts
 * const monitoring = new Monitoring(this, 'Monitoring', {
 *   metricsNamespace, frontDoor: ingress, receiver: receiver.function,
 *   processor: processing.function, queue: processing.queue,
 *   deadLetterQueue: processing.deadLetterQueue, eventTypes: EVENT_TYPES, alarmEmail: 'ops@example.com',
 * });
 * ```
 */
export class Monitoring extends Construct {
  /** Where every alarm notifies. */
  public readonly topic: Topic;
  /** Every alarm of the stack, for the dashboard's alarm status widget. */
  public readonly alarms: Alarm[] = [];
  /**
   * The alarms on events acknowledged or refused for good with no other trace (unknown types,
   * legacy payloads, malformed records, signed refusals, API 4xx, VEHICLE_ERROR share), each
   * drawn on the dashboard against its threshold. Also in {@link alarms}.
   */
  public readonly silentDropAlarms: Alarm[] = [];
  /** Props every alarm shares: the defaults with the caller's `alarmProps` over them. */
  private readonly alarmProps: Required<Omit<AlarmOverrides, 'actionsEnabled'>> & AlarmOverrides;

  public constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmProps = overrideProps(ALARM_PROPS_DEFAULTS, props.alarmProps);
    const thresholds: AlarmThresholds = { ...ALARM_DEFAULTS, ...props.thresholds };
    const period = Duration.minutes(ALARM_PERIOD_MINUTES);
    const custom = (service: (typeof SERVICE)[keyof typeof SERVICE], name: string) =>
      serviceMetric(props.metricsNamespace, service, name, { period });

    this.topic = alarmTopic(this, props.encryptionKey, props.alarmEmail);

    this.addAlarm('DeadLetterQueueMessages', {
      description: 'Events failed processing maxReceiveCount times and are in the DLQ: inspect and redrive.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: Duration.minutes(DLQ_ALARM_PERIOD_MINUTES),
      }),
      threshold: thresholds.dlqMessages,
    });
    // Smartcar's monitoring guide watches queue depth (over 1,000); the age of the oldest message
    // measures the same backlog whatever the traffic, so a small fleet's stuck queue pages too.
    this.addAlarm('QueueOldestMessageAge', {
      description: 'The processor is falling behind or stopped: the oldest queued event is too old.',
      metric: props.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period }),
      threshold: thresholds.queueOldestAgeSeconds,
    });
    this.addAlarm('ReceiverErrors', {
      description: 'The receiver threw or timed out: Smartcar saw a 5xx and will retry.',
      metric: props.receiver.metricErrors({ period }),
      threshold: thresholds.receiverErrors,
    });
    this.addAlarm('ReceiverDurationP99', {
      description: "Receiver p99 duration is approaching Smartcar's 15 s response deadline.",
      metric: props.receiver.metricDuration({ statistic: 'p99', period }),
      threshold: thresholds.receiverP99DurationMs,
    });
    this.addAlarm('Api5xx', {
      description: 'The API answered 5xx: Smartcar retries 3 times over ~3 minutes, then drops the event.',
      metric: props.frontDoor.metricServerErrors({ period }),
      threshold: thresholds.api5xx,
    });
    this.addAlarm('SignatureInvalid', {
      description: 'Many requests with a bad SC-Signature: a wrong AMT after rotation, or someone probing the URL.',
      metric: custom(SERVICE.RECEIVER, METRIC.SIGNATURE_INVALID),
      threshold: thresholds.signatureInvalid,
    });
    this.addAlarm('EnqueueFailed', {
      description: 'The receiver could not write to SQS and answered 5xx.',
      metric: custom(SERVICE.RECEIVER, METRIC.ENQUEUE_FAILED),
      threshold: thresholds.enqueueFailed,
    });
    this.addAlarm('QuarantineFailed', {
      description:
        'The receiver could not store a signed delivery in the quarantine (S3 PutObject failed) and answered 5xx: Smartcar retries 3 times, then drops it. Check the receiver log (code quarantine_failed) and the bucket.',
      metric: custom(SERVICE.RECEIVER, METRIC.QUARANTINE_FAILED),
      threshold: thresholds.quarantineFailed,
    });
    this.addAlarm('SecretUnavailable', {
      description: 'The receiver cannot read the AMT secret: every delivery is answered 5xx.',
      metric: custom(SERVICE.RECEIVER, METRIC.SECRET_UNAVAILABLE),
      threshold: thresholds.secretUnavailable,
    });
    this.addAlarm('FinalAttemptFailed', {
      description:
        'A record failed on its last receive and is moving to the DLQ (fires per new failure, unlike DLQ depth).',
      metric: custom(SERVICE.PROCESSOR, METRIC.FINAL_ATTEMPT_FAILED),
      threshold: thresholds.finalAttemptFailed,
    });
    this.addAlarm('HandlerFailureRate', {
      description: `More than ${Number((thresholds.handlerFailureRatio * 100).toFixed(2))}% of handler attempts failed in ${HANDLER_FAILURE_ALARM_PERIOD_MINUTES} minutes (at least ${thresholds.handlerFailureMinAttempts} attempts; Smartcar's monitoring guide: processing error rate over 5%). Retries may still succeed, so nothing reaches the DLQ: read "Event processing failed" in the processor log.`,
      metric: handlerFailureRate(props.metricsNamespace, thresholds.handlerFailureMinAttempts, props.eventTypes),
      threshold: thresholds.handlerFailureRatio,
    });
    this.addAlarm('ProcessorErrors', {
      description: 'A whole processor batch failed (or timed out): every record in it will be retried.',
      metric: props.processor.metricErrors({ period }),
      threshold: thresholds.processorErrors,
    });
    this.addAlarm('ReceiverThrottles', {
      description: 'Receiver invocations were throttled: deliveries got 5xx (raise reserved or account concurrency).',
      metric: props.receiver.metricThrottles({ period }),
      threshold: thresholds.throttles,
    });
    this.addAlarm('ProcessorThrottles', {
      description: 'Processor invocations were throttled: processing is delayed.',
      metric: props.processor.metricThrottles({ period }),
      threshold: thresholds.throttles,
    });

    this.addAlarm('UnknownEventType', {
      silentDrop: true,
      description:
        'The processor acknowledged and dropped events of a type it has no handler for (a new Smartcar event type?). Find eventType in the processor log, add a handler, and ask Smartcar to resend or re-fetch the data.',
      metric: custom(SERVICE.PROCESSOR, METRIC.UNKNOWN_EVENT_TYPE),
      threshold: thresholds.unknownEventType,
    });
    this.addAlarm('LegacyPayload', {
      silentDrop: true,
      description:
        'The processor acknowledged and dropped 2.0-format payloads: a webhook in the Smartcar Dashboard still sends the legacy version. Move it to the current version.',
      metric: custom(SERVICE.PROCESSOR, METRIC.LEGACY_PAYLOAD),
      threshold: thresholds.legacyPayload,
    });
    this.addAlarm('MalformedRecord', {
      silentDrop: true,
      description:
        'A queued record could not be parsed: it fails every attempt and will reach the DLQ. Inspect it with npm run dlq -- list.',
      metric: custom(SERVICE.PROCESSOR, METRIC.MALFORMED_RECORD),
      threshold: thresholds.malformedRecord,
    });
    this.addAlarm('SignedDeliveryRefused', {
      silentDrop: true,
      description:
        'A validly signed Smartcar delivery was answered 4xx (stale_delivery: a replayed capture or a clock far off; or a VERIFY without a challenge), and every retry of the same body is refused too. Bodies that cannot be processed are quarantined instead (Quarantined). The dashboard (by reason) and the receiver log (code) say which refusal.',
      // The total on [service] alone: an alarm cannot SEARCH the per-reason series.
      metric: custom(SERVICE.RECEIVER, METRIC.SIGNED_DELIVERY_REFUSED),
      threshold: thresholds.signedDeliveryRefused,
    });
    this.addAlarm('Quarantined', {
      silentDrop: true,
      description:
        'A validly signed delivery could not be processed as it is (not JSON, no event type, too large, ...) and was stored in the quarantine, not handled. The dashboard (by reason) says why; inspect it with npm run quarantine -- list, fix the cause, then npm run quarantine -- requeue (docs/quarantine.md).',
      // The total on [service] alone: an alarm cannot SEARCH the per-reason series.
      metric: custom(SERVICE.RECEIVER, METRIC.QUARANTINED),
      threshold: thresholds.quarantined,
    });
    this.addAlarm('Api4xx', {
      silentDrop: true,
      description: `Smartcar deliveries may be refused: the front door (${props.frontDoor.kind}) answered many 4xx (429 when its throttle is used up: the stage throttle, or the receiver's reserved concurrency behind a Function URL). Check SignatureInvalid and the access log (or the receiver log) by status and source; raise the throttle or stop the source.`,
      metric: props.frontDoor.metricClientErrors({ period }),
      // The front door's steady capacity sizes it: the stage throttle, or 10 rps per reserved unit.
      threshold: props.thresholds?.api4xx ?? api4xxThresholdFor(props.frontDoor.steadyRequestsPerSecond),
    });
    for (const alarm of props.frontDoor.alarms) {
      this.addAlarm(alarm.id, { ...alarm, silentDrop: true });
    }
    this.addAlarm('VehicleErrorShare', {
      silentDrop: true,
      description: `More than ${Number((thresholds.vehicleErrorRatio * 100).toFixed(2))}% of the hour's events (at least ${thresholds.vehicleErrorMinEvents}) are VEHICLE_ERROR (Smartcar's monitoring guidance): an OEM outage, revoked permissions or vehicles to re-authenticate. Read the errors in the processor log and the vehicle-state table.`,
      metric: vehicleErrorShare(props.metricsNamespace, thresholds.vehicleErrorMinEvents, props.eventTypes),
      threshold: thresholds.vehicleErrorRatio,
    });
  }

  private addAlarm(
    id: string,
    options: { description: string; metric: IMetric; threshold: number; silentDrop?: boolean },
  ): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...this.alarmProps,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    if (options.silentDrop) this.silentDropAlarms.push(alarm);
  }
}
