import { describe, expect, it } from 'vitest';
import { METRIC, SERVICE } from '../../lambda/core/constants.ts';
import { ALARM_DEFAULTS } from '../../lib/constants.ts';
import { logicalId, resourceByPrefix, templateFor } from './helpers.ts';

type AlarmProperties = {
  Namespace?: string;
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

/** [alarm id, namespace, metric name, threshold, statistic] for every alarm the issue asks for. */
const ALARMS = [
  ['DeadLetterQueueMessages', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', ALARM_DEFAULTS.dlqMessages, 'Maximum'],
  ['QueueOldestMessageAge', 'AWS/SQS', 'ApproximateAgeOfOldestMessage', ALARM_DEFAULTS.queueOldestAgeSeconds, 'Maximum'],
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
] as const;

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
    const props = alarm(template, 'SignatureInvalid') as AlarmProperties & { Period: number; EvaluationPeriods: number };

    // Assess
    expect(props).toMatchObject({ Threshold: 5, Period: 300, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold' });
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

    // Act
    const missing = ['SignatureInvalid', 'EnqueueFailed', 'FinalAttemptFailed'].map((n) => alarm(template, n).TreatMissingData);

    // Assess
    expect(missing).toEqual(['notBreaching', 'notBreaching', 'notBreaching']);
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
    expect(alarms).toHaveLength(ALARMS.length);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: topic }]);
      expect(a.OKActions).toEqual([{ Ref: topic }]);
    }
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
    'API latency (ms)',
    'API requests, 4xx and 5xx',
    'Receiver duration (ms)',
    'Receiver errors and throttles',
    'Processor duration (ms)',
    'Processor errors and throttles',
    'Queue depth',
    'Queue oldest message age (s)',
    'DLQ depth',
    'Duplicates and stale signals',
    'Delivery lag (ms): processing time minus Smartcar deliveredAt',
  ];

  function widgets(template: ReturnType<typeof templateFor>): { type: string; properties: Record<string, unknown> }[] {
    const { properties } = resourceByPrefix(template, 'AWS::CloudWatch::Dashboard', 'Dashboard');
    // The body is an Fn::Join of literal JSON and tokens; joining the literals with a marker is
    // enough to parse the widget layout and titles.
    const parts = (properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const body = parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
    return (JSON.parse(body) as { widgets: { type: string; properties: Record<string, unknown> }[] }).widgets;
  }

  it.each(TITLES)('has a "%s" graph', (title) => {
    // Prepare
    const template = templateFor();

    // Act
    const titles = widgets(template).map((w) => w.properties.title);

    // Assess
    expect(titles).toContain(title);
  });

  it('shows the status of every alarm', () => {
    // Prepare
    const template = templateFor();

    // Act
    const status = widgets(template).find((w) => w.type === 'alarm');

    // Assess
    expect((status?.properties.alarms as unknown[]).length).toBe(ALARMS.length);
  });

  it('plots deliveries per event type with the eventType dimension', () => {
    // Prepare
    const template = templateFor();

    // Act
    const graph = widgets(template).find((w) => w.properties.title === 'Deliveries received by type');
    const metrics = JSON.stringify(graph?.properties.metrics);

    // Assess
    expect(metrics).toContain('"eventType","VEHICLE_STATE"');
    expect(metrics).toContain('"eventType","VEHICLE_ERROR"');
  });

  it('is named after the stage', () => {
    // Prepare
    const template = templateFor({ stage: 'qa' });

    // Act & Assess
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'SmartcarWebhooks-qa' });
  });
});
