import type { Node } from 'constructs';
import { DEFAULT_STAGE, STACK_NAME_PREFIX } from './defaults.ts';
import { UnknownContextKeyError } from './errors.ts';
import { isCdkOwnKey, nearestKey } from './settings/context-keys.ts';
import { SETTING_RULES } from './settings/rules.ts';
import { SETTINGS, type SettingKey, type SettingValues } from './settings/table.ts';

/**
 * Reads the stack's configuration from CDK context (`cdk.json` or `-c key=value`) through the
 * settings table (`lib/settings/table.ts`) and checks every value, so a typo fails `cdk synth`
 * with one clear line instead of a broken deploy. Unset keys stay `undefined`: the constructs
 * merge their defaults (`lib/defaults.ts`) under what is set.
 */

/** Every context key the app reads, in the order docs/configuration.md lists them: the settings table's keys. */
export const CONTEXT_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** A context key of the app. */
export type ContextKey = SettingKey;

/** The stack's configuration: its settings plus the stack name derived from the stage. */
export interface WebhookConfig extends SettingValues {
  readonly stage: string;
  readonly stackName: string;
}

/**
 * Builds the stack configuration from a construct node's context.
 *
 * @throws {ConfigError} on the first invalid value; {@link UnknownContextKeyError} on a key
 * neither the table nor CDK knows.
 * @example
 * ```ts
 * const app = new App();
 * const config = readConfig(app.node);
 * new SmartcarWebhookStack(app, config.stackName, config);
 * ```
 */
export function readConfig(node: Node): WebhookConfig {
  const settings = parseSettings(node.getAllContext() as Record<string, unknown>);
  const stage = settings.stage ?? DEFAULT_STAGE;
  return { ...settings, stage, stackName: `${STACK_NAME_PREFIX}-${stage}` };
}

/**
 * Parses a whole context (CDK's own keys are skipped) through the settings table, then checks
 * the rules between settings. The one parser for `cdk synth`, the stack's props and `npm start`.
 * Empty values (`-c key=`) count as unset.
 *
 * @throws {ConfigError} on the first invalid value; {@link UnknownContextKeyError} on an unknown key.
 * @example
 * ```ts
 * parseSettings({ maxReceiveCount: '5', '@aws-cdk/core:validateAgainstDefaultRules': true }); // { maxReceiveCount: 5 }
 * parseSettings({ maxRecieveCount: '5' }); // throws: Unknown context key "maxRecieveCount": did you mean "maxReceiveCount"?
 * ```
 */
export function parseSettings(context: Readonly<Record<string, unknown>>): SettingValues {
  for (const key of Object.keys(context)) {
    if (!Object.hasOwn(SETTINGS, key) && !isCdkOwnKey(key)) {
      throw new UnknownContextKeyError(key, nearestKey(key, CONTEXT_KEYS));
    }
  }
  const settings: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const raw = context[key];
    if (raw === undefined || raw === null || raw === '') continue;
    settings[key] = SETTINGS[key].parse(raw, key);
  }
  for (const rule of SETTING_RULES) rule(settings);
  return settings;
}
