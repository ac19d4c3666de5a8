import type { Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_CERTIFICATE_ARN } from '../infra/cfn-lint-variants.ts';
import { resourceByPrefix } from '../infra/helpers.ts';

/** Factories and readers shared by the front-door tests. */

/** Context of a front door on the example custom domain. */
export function onCustomDomain(ingress: string): Record<string, unknown> {
  return { ingress, domainName: 'hooks.example.com', certificateArn: EXAMPLE_CERTIFICATE_ARN };
}

/** One alarm of the Monitoring construct, by id. */
export function alarmProps(template: Template, id: string): Record<string, unknown> {
  return resourceByPrefix(template, 'AWS::CloudWatch::Alarm', `Monitoring${id}`).properties;
}

/** The `Value` of each stack output, by name. */
export function outputValues(template: Template): Record<string, unknown> {
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
  return Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, o.Value]));
}

/** Count of resources of each type whose type starts with `prefix` (e.g. `AWS::ApiGateway`). */
export function typesStartingWith(template: Template, prefix: string): string[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  return [
    ...new Set(
      Object.values(resources)
        .map((r) => r.Type)
        .filter((t) => t.startsWith(prefix)),
    ),
  ].sort();
}
