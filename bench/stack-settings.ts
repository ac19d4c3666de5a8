import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ENV, SERVICE } from '../lambda/core/constants.ts';
import { buildWebhookApp } from '../lib/webhook-app.ts';
import { archiveSettings } from './archive-cost.ts';
import { encryptionSettings } from './kms-cost.ts';
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
  '$context.resourcePath': '/webhooks/smartcar',
  '$context.wafResponseCode': 'WAF_ALLOW',
  '$context.path': '/webhooks/smartcar',
  '$context.status': '200',
  '$context.protocol': 'HTTP/1.1',
  '$context.responseLength': '23',
  '$context.responseLatency': '12',
  '$context.integrationLatency': '10',
  '$context.integrationStatus': '200',
};

/**
 * The settings the cost model needs, read from the stack synthesized with `context` (by default
 * none: exactly what `cdk deploy` creates without `-c` overrides; asset bundling skipped): front door, WAF, keys,
 * memory, architecture, batch size, secret cache, alarm and dashboard counts, and the size of one
 * API access log line in the stack's own format.
 *
 * @example
 * ```ts
 * const settings = readStackSettings();
 * settings.api_type; // 'HTTP'
 * readStackSettings({ ingress: 'function-url' }).api_type; // 'FUNCTION_URL'
 * ```
 */
export function readStackSettings(context: Record<string, unknown> = {}): StackSettings {
  const synthesize = (ctx: Record<string, unknown>) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...ctx }, builtinCloudFormationValidation: false });
    const built = buildWebhookApp(app);
    return {
      stack: built,
      resources: Object.values(Template.fromStack(built).toJSON().Resources as Record<string, Resource>),
    };
  };
  const { stack, resources } = synthesize(context);
  const withCmk =
    context.encryptionKey === undefined || context.encryptionKey === 'aws-managed'
      ? synthesize({ ...context, encryptionKey: 'create' }).resources
      : resources;
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
  const doors = [
    ofType('AWS::ApiGatewayV2::Api').length > 0 && ('HTTP' as const),
    ofType('AWS::ApiGateway::RestApi').length > 0 && ('REST' as const),
    ofType('AWS::Lambda::Url').length > 0 && ('FUNCTION_URL' as const),
  ].filter((d) => d !== false);
  if (doors.length !== 1)
    throw new Error(`Expected exactly one front door in the template, found ${doors.join(', ') || 'none'}`);
  const architecture = (receiver.Architectures as string[] | undefined)?.[0] ?? 'x86_64';
  const acls = ofType('AWS::WAFv2::WebACL');
  return {
    ingress: stack.ingress.kind,
    api_type: doors[0]!,
    waf: {
      web_acls: acls.length,
      rules: acls.reduce((sum, acl) => sum + ((acl.Properties?.Rules as unknown[] | undefined)?.length ?? 0), 0),
    },
    encryption: encryptionSettings(resources),
    encryption_with_cmk: encryptionSettings(withCmk),
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
    archive: archiveSettings(resources),
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
  const settings = (stage?.Properties?.AccessLogSettings ?? stage?.Properties?.AccessLogSetting) as
    | { Format?: string }
    | undefined;
  if (!settings?.Format) return 0;
  // Unknown variables (error messages, mostly empty on success) are sized as "-".
  const line = settings.Format.replace(/\$context\.[A-Za-z.]+/g, (name) => TYPICAL_CONTEXT[name] ?? '-');
  return Buffer.byteLength(line) + 1;
}
