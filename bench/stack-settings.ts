import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildWebhookApp } from '../lib/webhook-app.ts';
import { ENV, SERVICE } from '../lambda/core/constants.ts';
import type { StackSettings } from './types.ts';

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** Typical values of the `$context` variables of an access log line, for sizing it. */
const TYPICAL_CONTEXT: Record<string, string> = {
  '$context.requestId': 'Q1w2E3r4T5y6U7i=',
  '$context.requestTime': '23/Nov/2026:01:02:03 +0000',
  '$context.identity.sourceIp': '3.14.159.26',
  '$context.identity.userAgent': 'Smartcar/1.0',
  '$context.httpMethod': 'POST',
  '$context.routeKey': 'POST /webhooks/smartcar',
  '$context.path': '/webhooks/smartcar',
  '$context.status': '200',
  '$context.protocol': 'HTTP/1.1',
  '$context.responseLength': '23',
  '$context.responseLatency': '12',
  '$context.integrationLatency': '10',
  '$context.integrationStatus': '200',
};

/**
 * The settings the cost model needs, read from the stack synthesized with its default context
 * (exactly what `cdk deploy` creates without `-c` overrides; asset bundling skipped): API type,
 * memory, architecture, batch size, secret cache, alarm and dashboard counts, and the size of one
 * API access log line in the stack's own format.
 *
 * @example
 * ```ts
 * const settings = readStackSettings();
 * settings.api_type; // 'HTTP'
 * ```
 */
export function readStackSettings(): StackSettings {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = buildWebhookApp(app);
  const resources = Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, Resource>);
  const ofType = (type: string): Resource[] => resources.filter((r) => r.Type === type);
  const fn = (service: string): Record<string, unknown> => {
    const match = ofType('AWS::Lambda::Function').find((r) => {
      const variables = (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
      return variables?.[ENV.SERVICE_NAME] === service;
    });
    if (!match?.Properties) throw new Error(`No function with ${ENV.SERVICE_NAME}=${service} in the template`);
    return match.Properties;
  };
  const receiver = fn(SERVICE.RECEIVER);
  const processor = fn(SERVICE.PROCESSOR);
  const receiverEnv = (receiver.Environment as { Variables: Record<string, unknown> }).Variables;
  const mapping = ofType('AWS::Lambda::EventSourceMapping')[0]?.Properties;
  const httpApi = ofType('AWS::ApiGatewayV2::Api').length > 0;
  const restApi = ofType('AWS::ApiGateway::RestApi').length > 0;
  if (httpApi === restApi) throw new Error('Expected exactly one kind of API Gateway API in the template');
  const architecture = (receiver.Architectures as string[] | undefined)?.[0] ?? 'x86_64';
  return {
    api_type: httpApi ? 'HTTP' : 'REST',
    receiver_memory_mb: Number(receiver.MemorySize ?? 128),
    processor_memory_mb: Number(processor.MemorySize ?? 128),
    architecture: architecture === 'arm64' ? 'arm64' : 'x86_64',
    batch_size: Number(mapping?.BatchSize ?? 10),
    amt_cache_seconds: Number(receiverEnv[ENV.AMT_CACHE_SECONDS]),
    alarms: ofType('AWS::CloudWatch::Alarm').length,
    alarmMetrics: ofType('AWS::CloudWatch::Alarm').reduce((sum, alarm) => sum + alarmMetricCount(alarm), 0),
    dashboards: ofType('AWS::CloudWatch::Dashboard').length,
    secrets: ofType('AWS::SecretsManager::Secret').length,
    access_log_line_bytes: accessLogLineBytes(resources),
  };
}

/**
 * CloudWatch bills alarms per alarm metric: a metric-math alarm counts each metric it reads
 * (its `MetricStat` queries), a plain alarm counts one.
 */
function alarmMetricCount(alarm: Resource): number {
  const queries = alarm.Properties?.Metrics as Array<{ MetricStat?: unknown }> | undefined;
  return queries ? queries.filter((q) => q.MetricStat !== undefined).length : 1;
}

function accessLogLineBytes(resources: readonly Resource[]): number {
  const stage = resources.find((r) => r.Type === 'AWS::ApiGatewayV2::Stage' || r.Type === 'AWS::ApiGateway::Stage');
  const settings = (stage?.Properties?.AccessLogSettings ?? stage?.Properties?.AccessLogSetting) as { Format?: string } | undefined;
  if (!settings?.Format) return 0;
  // Unknown variables (error messages, mostly empty on success) are sized as "-".
  const line = settings.Format.replace(/\$context\.[A-Za-z.]+/g, (name) => TYPICAL_CONTEXT[name] ?? '-');
  return Buffer.byteLength(line) + 1;
}
