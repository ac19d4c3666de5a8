import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readConfig } from '../../lib/config.ts';
import { SmartcarWebhookStack } from '../../lib/smartcar-webhook-stack.ts';
import { buildWebhookApp } from '../../lib/webhook-app.ts';

/**
 * Factories for the infrastructure tests. Bundling and the built-in CloudFormation
 * validation are skipped here (about 50 ms per synth instead of seconds); `synth.test.ts`
 * covers both for real.
 */

/** An app that skips asset bundling and the built-in template validation. */
export function fastApp(context: Record<string, unknown> = {}): App {
  return new App({
    context: { 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
  });
}

/** The stack exactly as `bin/app.ts` builds it (config from context, nag packs attached). */
export function buildStack(context: Record<string, unknown> = {}): {
  app: App;
  stack: SmartcarWebhookStack;
} {
  const app = fastApp(context);
  return { app, stack: buildWebhookApp(app) };
}

/**
 * The synthesized template of the stack built from `context` the way `bin/app.ts` reads it,
 * without the nag packs (`nag.test.ts` runs those), so each template test stays fast.
 */
export function templateFor(context: Record<string, unknown> = {}): Template {
  const app = fastApp(context);
  const { stackName, ...props } = readConfig(app.node);
  return Template.fromStack(new SmartcarWebhookStack(app, stackName, { ...props, stackName }));
}

/** The one resource of `type` whose logical id starts with `prefix`, as JSON. */
export function resourceByPrefix(
  template: Template,
  type: string,
  prefix: string,
): { logicalId: string; properties: Record<string, unknown> } {
  const matches = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} starting with ${prefix}, found ${matches.length}`);
  }
  const [logicalId, resource] = matches[0]!;
  return { logicalId, properties: (resource as { Properties: Record<string, unknown> }).Properties };
}

/** The logical id of the only resource of `type` whose id starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  return resourceByPrefix(template, type, prefix).logicalId;
}

/** One dashboard widget as the synthesized body lays it out (tokens shown as `TOKEN`). */
export interface DashboardWidget {
  type: string;
  properties: Record<string, unknown>;
}

/** The widgets of the one dashboard whose logical id starts with `prefix`. */
export function dashboardWidgets(template: Template, prefix = 'Dashboard'): DashboardWidget[] {
  const { properties } = resourceByPrefix(template, 'AWS::CloudWatch::Dashboard', prefix);
  // The body is an Fn::Join of literal JSON and tokens; joining the literals with a marker is
  // enough to parse the widget layout and titles.
  const parts = (properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const body = parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return (JSON.parse(body) as { widgets: DashboardWidget[] }).widgets;
}
