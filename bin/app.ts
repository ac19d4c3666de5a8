#!/usr/bin/env node
/**
 * CDK app: one stack per stage, configured from context.
 *
 * @example
 * ```sh
 * npx cdk deploy -c stage=prod -c alarmEmail=ops@example.com
 * ```
 */
import { App } from 'aws-cdk-lib';
import { buildWebhookApp } from '../lib/webhook-app.ts';

const app = new App();
buildWebhookApp(app);
app.synth();
