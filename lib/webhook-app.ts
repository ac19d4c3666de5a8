import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readConfig } from './config.ts';
import { SmartcarWebhookStack } from './smartcar-webhook-stack.ts';

/**
 * Adds the stage's stack (configured from CDK context) to `app`, with the AwsSolutions and
 * Serverless cdk-nag packs as validation plugins: `app.synth()` throws on any finding that
 * has no acknowledgement next to its construct.
 *
 * @example
 * ```ts
 * const app = new App();
 * buildWebhookApp(app);
 * app.synth();
 * ```
 */
export function buildWebhookApp(app: App): SmartcarWebhookStack {
  const { stackName, ...props } = readConfig(app.node);
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const stack = new SmartcarWebhookStack(app, stackName, {
    ...props,
    stackName,
    // Environment-agnostic unless the CLI knows the target, so synth works with no credentials.
    env: account && region ? { account, region } : undefined,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return stack;
}
