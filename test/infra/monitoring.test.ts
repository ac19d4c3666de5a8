import { describe, expect, it } from 'vitest';
import { EVENT_TYPE_DIMENSION, METRIC, SERVICE } from '../../lambda/core/constants.ts';
import { ALARM_DEFAULTS, api4xxThresholdFor } from '../../lib/alarm-defaults.ts';
import { dashboardWidgets, logicalId, resourceByPrefix, templateFor } from './helpers.ts';

type MetricDataQuery = {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] };
    Period: number;
    Stat: string;
  };
};

type AlarmProperties = {
  Namespace?: string;
  Metrics?: MetricDataQuery[];
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Statistic?: string;
  ExtendedStatistic?: string;
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData?: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
};

function alarm(template: ReturnType<typeof templateFor>, name: string): AlarmProperties {
  return resourceByPrefix(template, 'AWS::CloudWatch::Alarm', `Monitoring${name}`).properties as AlarmProperties;
}

/** The metric-math queries of an alarm on metric math. */
function mathQueries(template: ReturnType<typeof templateFor>, name: string): MetricDataQuery[] {
  return alarm(template, name).Metrics ?? [];
}

/** [id, metric name, dimensions, period, statistic] of each metric a metric-math alarm reads. */
function metricStats(queries: readonly MetricDataQuery[]): unknown[][] {
  return queries
    .filter((q) => q.MetricStat)
    .map((q) => [
      q.Id,
      q.MetricStat?.Metric.MetricName,
      q.MetricStat?.Metric.Dimensions,
      q.MetricStat?.Period,
      q.MetricStat?.Stat,
    ]);
}

/**
 * An alarm's expression evaluated on one period's sums by metric id, with CloudWatch's IF and
 * FILL on single values (`undefined`: no datapoint that period).
 */
function evaluateMath(expression: string, sums: Readonly<Record<string, number | undefined>>): number {
  const ids = Object.keys(sums);
  const evaluate = new Function('IF', 'FILL', ...ids, `return ${expression};`) as (...args: unknown[]) => number;
  return evaluate(
    (condition: boolean, whenTrue: number, whenFalse: number) => (condition ? whenTrue : whenFalse),
    (value: number | undefined, fill: number) => value ?? fill,
    ...ids.map((id) => sums[id]),
  );
}

/** [alarm id, namespace, metric name, threshold, statistic] for every alarm the issue asks for. */
const ALARMS = [
  ['DeadLetterQueueMessages', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', ALARM_DEFAULTS.dlqMessages, 'Maximum'],
  [
    'QueueOldestMessageAge',
    'AWS/SQS',
    'ApproximateAgeOfOldestMessage',
    ALARM_DEFAULTS.queueOldestAgeSeconds,
    'Maximum',
  ],
  ['ReceiverErrors', 'AWS/Lambda', 'Errors', ALARM_DEFAULTS.receiverErrors, 'Sum'],
  ['ReceiverDurationP99', 'AWS/Lambda', 'Duration', ALARM_DEFAULTS.receiverP99DurationMs, 'p99'],
  ['Api5xx', 'AWS/ApiGateway', '5xx', ALARM_DEFAULTS.api5xx, 'Sum'],
  ['SignatureInvalid', 'SmartcarWebhooks/dev', METRIC.SIGNATURE_INVALID, 5, 'Sum'],
  ['EnqueueFailed', 'SmartcarWebhooks/dev', METRIC.ENQUEUE_FAILED, ALARM_DEFAULTS.enqueueFailed, 'Sum'],
  ['SecretUnavailable', 'SmartcarWebhooks/dev', METRIC.SECRET_UNAVAILABLE, ALARM_DEFAULTS.secretUnavailable, 'Sum'],
  ['FinalAttemptFailed', 'SmartcarWebhooks/dev', METRIC.FINAL_ATTEMPT_FAILED, ALARM_DEFAULTS.finalAttemptFailed, 'Sum'],
  ['ProcessorErrors', 'AWS/Lambda', 'Errors', ALARM_DEFAULTS.processorErrors, 'Sum'],
  ['ReceiverThrottles', 'AWS/Lambda', 'Throttles', ALARM_DEFAULTS.throttles, 'Sum'],
  ['ProcessorThrottles', 'AWS/Lambda', 'Throttles', ALARM_DEFAULTS.throttles, 'Sum'],
  ['UnknownEventType', 'SmartcarWebhooks/dev', METRIC.UNKNOWN_EVENT_TYPE, 0, 'Sum'],
  ['LegacyPayload', 'SmartcarWebhooks/dev', METRIC.LEGACY_PAYLOAD, 0, 'Sum'],
  ['MalformedRecord', 'SmartcarWebhooks/dev', METRIC.MALFORMED_RECORD, 0, 'Sum'],
  ['SignedDeliveryRefused', 'SmartcarWebhooks/dev', METRIC.SIGNED_DELIVERY_REFUSED, 0, 'Sum'],
  ['Quarantined', 'SmartcarWebhooks/dev', METRIC.QUARANTINED, ALARM_DEFAULTS.quarantined, 'Sum'],
  ['QuarantineFailed', 'SmartcarWebhooks/dev', METRIC.QUARANTINE_FAILED, ALARM_DEFAULTS.quarantineFailed, 'Sum'],
  ['Api4xx', 'AWS/ApiGateway', '4xx', 6_000, 'Sum'],
] as const;

/** Alarms on a metric-math expression (no single Namespace/MetricName), tested on their own below. */
const MATH_ALARMS = ['VehicleErrorShare', 'HandlerFailureRate'] as const;

/** The archive's alarms (`lib/constructs/archive.ts`), tested in test/archive/infra.test.ts. */
const ARCHIVE_ALARMS = ['ArchiveFailed', 'ArchiveDeliveryStalled'] as const;

/** Every alarm of the stack. */
const ALARM_COUNT = ALARMS.length + MATH_ALARMS.length + ARCHIVE_ALARMS.length;

/** The alarms on silent drops: each also has a graph of its own on the dashboard. */
const SILENT_DROP_ALARMS = [
  'UnknownEventType',
  'LegacyPayload',
  'MalformedRecord',
  'SignedDeliveryRefused',
  'Quarantined',
  'Api4xx',
  'VehicleErrorShare',
];

describe('Alarms', () => {
  it.each(ALARMS)('%s watches %s %s above %d (%s)', (name, namespace, metricName, threshold, statistic) => {
    // Prepare
    const template = templateFor();

    // Act
    const props = alarm(template, name);

    // Assess
    expect(props).toMatchObject({
      Namespace: namespace,
      MetricName: metricName,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(props.Statistic ?? props.ExtendedStatistic).toBe(statistic);
  });

  it('fires on more than 5 signature failures in 5 minutes', () => {
    // Prepare
    const template = templateFor();

    // Act
    const props = alarm(template, 'SignatureInvalid') as AlarmProperties & {
      Period: number;
      EvaluationPeriods: number;
    };

    // Assess
    expect(props).toMatchObject({
      Threshold: 5,
      Period: 300,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('watches custom metrics with the service dimension only', () => {
    // Prepare
    const template = templateFor();

    // Act
    const signature = alarm(template, 'SignatureInvalid');
    const finalAttempt = alarm(template, 'FinalAttemptFailed');

    // Assess
    expect(signature.Dimensions).toEqual([{ Name: 'service', Value: SERVICE.RECEIVER }]);
    expect(finalAttempt.Dimensions).toEqual([{ Name: 'service', Value: SERVICE.PROCESSOR }]);
  });

  it.each([
    ['UnknownEventType', SERVICE.PROCESSOR],
    ['LegacyPayload', SERVICE.PROCESSOR],
    ['MalformedRecord', SERVICE.PROCESSOR],
    ['SignedDeliveryRefused', SERVICE.RECEIVER],
    ['Quarantined', SERVICE.RECEIVER],
  ])('watches the %s total of the %s, on the service dimension alone', (name, service) => {
    // Prepare
    const template = templateFor();

    // Act
    const props = alarm(template, name);

    // Assess
    expect(props.Dimensions).toEqual([{ Name: 'service', Value: service }]);
  });

  it("watches this API's stage for 4xx", () => {
    // Prepare
    const template = templateFor();
    const api = logicalId(template, 'AWS::ApiGatewayV2::Api', 'IngressApi');

    // Act
    const props = alarm(template, 'Api4xx');

    // Assess
    expect(props.Dimensions).toEqual([
      { Name: 'ApiId', Value: { Ref: api } },
      { Name: 'Stage', Value: '$default' },
    ]);
  });

  it('sets the API 4xx threshold to a tenth of the stage throttle over 5 minutes', () => {
    // Prepare
    const template = templateFor({ throttleRateLimit: '1000' });

    // Act
    const props = alarm(template, 'Api4xx');

    // Assess
    expect(props.Threshold).toBe(30_000);
    expect(api4xxThresholdFor(1_000)).toBe(30_000);
  });

  it('prefers an explicit API 4xx threshold over the one derived from the throttle', () => {
    // Prepare
    const template = templateFor({ throttleRateLimit: '1000', alarmThresholds: '{"api4xx":250}' });

    // Act
    const props = alarm(template, 'Api4xx');

    // Assess
    expect(props.Threshold).toBe(250);
  });

  it('watches the function each Lambda alarm names', () => {
    // Prepare
    const template = templateFor();
    const receiver = logicalId(template, 'AWS::Lambda::Function', 'ReceiverFunction');
    const processor = logicalId(template, 'AWS::Lambda::Function', 'ProcessingProcessorFunction');

    // Act
    const receiverErrors = alarm(template, 'ReceiverErrors');
    const processorThrottles = alarm(template, 'ProcessorThrottles');

    // Assess
    expect(receiverErrors.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: receiver } }]);
    expect(processorThrottles.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: processor } }]);
  });

  it('watches the dead-letter queue for dead letters', () => {
    // Prepare
    const template = templateFor();
    const dlq = logicalId(template, 'AWS::SQS::Queue', 'ProcessingDeadLetterQueue');

    // Act
    const props = alarm(template, 'DeadLetterQueueMessages');

    // Assess
    expect(props.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }]);
  });

  it('uses the thresholds given in context', () => {
    // Prepare
    const template = templateFor({ alarmThresholds: '{"signatureInvalid":20,"queueOldestAgeSeconds":900}' });

    // Act
    const signature = alarm(template, 'SignatureInvalid');
    const age = alarm(template, 'QueueOldestMessageAge');

    // Assess
    expect([signature.Threshold, age.Threshold]).toEqual([20, 900]);
  });

  it('keeps custom-metric alarms OK when no datapoint arrives', () => {
    // Prepare
    const template = templateFor();
    const names = ['SignatureInvalid', 'EnqueueFailed', 'FinalAttemptFailed', ...SILENT_DROP_ALARMS];

    // Act
    const missing = names.map((n) => alarm(template, n).TreatMissingData);

    // Assess
    expect(missing).toEqual(names.map(() => 'notBreaching'));
  });

  it('notifies the alarm topic on ALARM and on OK', () => {
    // Prepare
    const template = templateFor();
    const topic = logicalId(template, 'AWS::SNS::Topic', 'MonitoringAlarmTopic');

    // Act
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => (a as { Properties: AlarmProperties }).Properties,
    );

    // Assess
    expect(alarms).toHaveLength(ALARM_COUNT);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: topic }]);
      expect(a.OKActions).toEqual([{ Ref: topic }]);
    }
  });
});

describe('VEHICLE_ERROR share alarm', () => {
  const queries = (template: ReturnType<typeof templateFor>) => mathQueries(template, 'VehicleErrorShare');
  const share = (expression: string, state: number | undefined, errors: number | undefined): number =>
    evaluateMath(expression, { state, errors });

  it('divides VEHICLE_ERROR by all data deliveries the receiver accepted, per hour', () => {
    // Prepare
    const template = templateFor();

    // Act
    const metrics = metricStats(queries(template));

    // Assess
    expect(metrics).toEqual(
      [
        ['state', 'VEHICLE_STATE'],
        ['errors', 'VEHICLE_ERROR'],
      ].map(([id, type]) => [
        id,
        METRIC.EVENT_RECEIVED,
        [
          { Name: EVENT_TYPE_DIMENSION, Value: type },
          { Name: 'service', Value: SERVICE.RECEIVER },
        ],
        3_600,
        'Sum',
      ]),
    );
  });

  it('fires above a 10% share', () => {
    // Prepare
    const template = templateFor();

    // Act
    const props = alarm(template, 'VehicleErrorShare');

    // Assess
    expect(props).toMatchObject({ Threshold: 0.1, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it.each([
    ['one error in two events', 1, 1, 0],
    ['10 errors in 99 events (under the 100-event floor)', 89, 10, 0],
    ['10 errors in 100 events (exactly 10%)', 90, 10, 0.1],
    ['11 errors in 100 events', 89, 11, 0.11],
    ['only VEHICLE_STATE', 500, undefined, 0],
    ['only VEHICLE_ERROR', undefined, 150, 1],
  ])('reads %s as the share the alarm compares', (_label, state, errors, expected) => {
    // Prepare
    const template = templateFor();
    const expression = queries(template).find((q) => q.ReturnData)?.Expression ?? '';

    // Act
    const value = share(expression, state, errors);

    // Assess
    expect(value).toBeCloseTo(expected, 10);
  });

  it('uses the share and the minimum volume given in context', () => {
    // Prepare
    const template = templateFor({ alarmThresholds: '{"vehicleErrorRatio":0.25,"vehicleErrorMinEvents":500}' });
    const expression = queries(template).find((q) => q.ReturnData)?.Expression ?? '';

    // Act
    const threshold = alarm(template, 'VehicleErrorShare').Threshold;

    // Assess
    expect(threshold).toBe(0.25);
    expect([share(expression, 399, 100), share(expression, 400, 100)]).toEqual([0, 0.2]);
  });
});

describe('handler failure rate alarm (Smartcar monitoring guide: processing error rate over 5%)', () => {
  const queries = (template: ReturnType<typeof templateFor>) => mathQueries(template, 'HandlerFailureRate');
  const rate = (expression: string, sums: { failed?: number; state?: number; errors?: number }): number =>
    evaluateMath(expression, { failed: sums.failed, state: sums.state, errors: sums.errors });

  it('divides HandlerFailed by every handler attempt (HandlerFailed + EventProcessed of each type), per 15 minutes', () => {
    // Prepare
    const template = templateFor();

    // Act
    const metrics = metricStats(queries(template));

    // Assess
    const processor = { Name: 'service', Value: SERVICE.PROCESSOR };
    expect(metrics).toEqual([
      [
        'state',
        METRIC.EVENT_PROCESSED,
        [{ Name: EVENT_TYPE_DIMENSION, Value: 'VEHICLE_STATE' }, processor],
        900,
        'Sum',
      ],
      [
        'errors',
        METRIC.EVENT_PROCESSED,
        [{ Name: EVENT_TYPE_DIMENSION, Value: 'VEHICLE_ERROR' }, processor],
        900,
        'Sum',
      ],
      ['failed', METRIC.HANDLER_FAILED, [processor], 900, 'Sum'],
    ]);
  });

  it('fires above 5%, on the first period, and notifies the alarm topic on ALARM and OK', () => {
    // Prepare
    const template = templateFor();
    const topic = logicalId(template, 'AWS::SNS::Topic', 'MonitoringAlarmTopic');

    // Act
    const props = alarm(template, 'HandlerFailureRate') as AlarmProperties & { EvaluationPeriods: number };

    // Assess
    expect(props).toMatchObject({
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topic }],
      OKActions: [{ Ref: topic }],
    });
  });

  it.each([
    // Non-compliance: pages.
    [
      'a handler failing 30% of first attempts, every retry succeeding (100 events)',
      { failed: 30, state: 100 },
      30 / 130,
      true,
    ],
    ['6 failures in 100 attempts', { failed: 6, state: 80, errors: 14 }, 0.06, true],
    ['every attempt failing (nothing processed)', { failed: 25 }, 1, true],
    // Compliance: stays OK.
    ['no failures', { state: 500, errors: 20 }, 0, false],
    ['exactly 5% (5 failures in 100 attempts)', { failed: 5, state: 95 }, 0.05, false],
    ['2 failures in 19 attempts (under the 20-attempt floor)', { failed: 2, state: 17 }, 0, false],
    ['no traffic at all', {}, 0, false],
  ])('reads %s as the rate the alarm compares', (_label, sums, expected, pages) => {
    // Prepare
    const template = templateFor();
    const expression = queries(template).find((q) => q.ReturnData)?.Expression ?? '';
    const threshold = alarm(template, 'HandlerFailureRate').Threshold;

    // Act
    const value = rate(expression, sums);

    // Assess
    expect(value).toBeCloseTo(expected, 10);
    expect(value > threshold).toBe(pages);
  });

  it('uses the rate and the minimum attempts given in context', () => {
    // Prepare
    const template = templateFor({ alarmThresholds: '{"handlerFailureRatio":0.2,"handlerFailureMinAttempts":50}' });
    const expression = queries(template).find((q) => q.ReturnData)?.Expression ?? '';

    // Act
    const threshold = alarm(template, 'HandlerFailureRate').Threshold;

    // Assess
    expect(threshold).toBe(0.2);
    expect([rate(expression, { failed: 10, state: 39 }), rate(expression, { failed: 10, state: 40 })]).toEqual([
      0, 0.2,
    ]);
  });
});

describe('Alarm topic', () => {
  // Who may publish (and the TLS-only deny) is decided by evaluating the policy: alarm-topic-policy.test.ts.
  it('subscribes the alarm email from context', () => {
    // Prepare
    const template = templateFor({ alarmEmail: 'ops@example.com' });

    // Act & Assess
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('has no subscription when no email is given', () => {
    // Prepare
    const template = templateFor();

    // Act & Assess
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('Dashboard', () => {
  const TITLES = [
    'Deliveries received by type',
    'Events processed by type',
    'Front door (http-api) latency (ms)',
    'Front door (http-api) requests, 4xx and 5xx',
    'Receiver duration (ms)',
    'Receiver errors and throttles',
    'Processor duration (ms)',
    'Processor errors and throttles',
    'Queue depth',
    'Queue oldest message age (s)',
    'DLQ depth',
    'Duplicates, stale and future signals',
    'Delivery lag (ms): processing time minus Smartcar deliveredAt',
    'Signed deliveries refused, by reason (outcome code)',
    ...SILENT_DROP_ALARMS.map((name) => `${name}: metric and alarm threshold`),
  ];

  it.each(TITLES)('has a "%s" graph', (title) => {
    // Prepare
    const template = templateFor();

    // Act
    const titles = dashboardWidgets(template).map((w) => w.properties.title);

    // Assess
    expect(titles).toContain(title);
  });

  it('shows the status of every alarm', () => {
    // Prepare
    const template = templateFor();

    // Act
    const status = dashboardWidgets(template).find((w) => w.type === 'alarm');

    // Assess
    expect(status?.properties.alarms as unknown[]).toHaveLength(ALARM_COUNT);
  });

  it('plots deliveries per event type with the eventType dimension', () => {
    // Prepare
    const template = templateFor();

    // Act
    const graph = dashboardWidgets(template).find((w) => w.properties.title === 'Deliveries received by type');
    const metrics = JSON.stringify(graph?.properties.metrics);

    // Assess
    expect(metrics).toContain('"eventType","VEHICLE_STATE"');
    expect(metrics).toContain('"eventType","VEHICLE_ERROR"');
  });

  it('draws each silent-drop alarm against its threshold', () => {
    // Prepare
    const template = templateFor();

    // Act
    const graphs = dashboardWidgets(template).filter(
      (w) => w.properties.annotations !== undefined && String(w.properties.title).endsWith('alarm threshold'),
    );

    // Assess
    expect(graphs.map((w) => (w.properties.annotations as { alarms: unknown[] }).alarms)).toHaveLength(
      SILENT_DROP_ALARMS.length,
    );
  });

  it.each([
    ['signed refusals', 'Signed deliveries refused, by reason (outcome code)', METRIC.SIGNED_DELIVERY_REFUSED],
    ['quarantined deliveries', 'Signed deliveries quarantined, by reason (docs/quarantine.md)', METRIC.QUARANTINED],
  ])('plots %s by reason with a SEARCH on the reason dimension', (_what, title, metric) => {
    // Prepare
    const template = templateFor();

    // Act
    const graph = dashboardWidgets(template).find((w) => w.properties.title === title);
    const metrics = JSON.stringify(graph?.properties.metrics);

    // Assess
    expect(metrics).toContain(`SEARCH('{\\"SmartcarWebhooks/dev\\",reason,service} MetricName=\\"${metric}\\"`);
  });

  it('is named after the stage', () => {
    // Prepare
    const template = templateFor({ stage: 'qa' });

    // Act & Assess
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'SmartcarWebhooks-qa' });
  });
});
