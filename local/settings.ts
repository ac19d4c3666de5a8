import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSettings } from '../lib/config.ts';
import { ConfigError } from '../lib/errors.ts';
import { SETTINGS } from '../lib/settings/table.ts';
import type { LocalPipelineSettings } from './types.ts';

/**
 * The stack's settings for `npm start`: the `context` block of `cdk.json`, then `-c key=value`
 * from the command line, through the same settings table parser as `cdk synth`, so a typo or an
 * out-of-range value fails here as it would there, and `-c maxReceiveCount=5` moves events to the
 * local DLQ after 5 receives as it would in AWS.
 */

/** The settings the local pipeline applies (the others only shape AWS resources). */
export const LOCAL_SETTING_KEYS = [
  'maxReceiveCount',
  'processorTimeoutSeconds',
  'deliveryToleranceSeconds',
  'futureToleranceSeconds',
  // false: no local archive, as the stack then has no bucket or stream (wins over --data-dir).
  'archive',
] as const satisfies readonly (keyof LocalPipelineSettings)[];

/** Where a setting's value came from. */
export type SettingSource = 'default' | 'cdk.json' | '-c';

/** What `npm start` uses: the values and, per key, where each came from. */
export interface LocalSettings {
  readonly settings: LocalPipelineSettings;
  readonly sources: Readonly<Record<(typeof LOCAL_SETTING_KEYS)[number], SettingSource>>;
}

/**
 * Reads `<root>/cdk.json`'s context (none when the file is absent) and applies `-c key=value`
 * pairs over it.
 *
 * @throws {ConfigError} as `cdk synth` would: an unknown key, a bad value, a pair without `=`.
 * @example
 * ```ts
 * readLocalSettings(process.cwd(), ['maxReceiveCount=5']);
 * // { settings: { maxReceiveCount: 5, ... }, sources: { maxReceiveCount: '-c', processorTimeoutSeconds: 'default', ... } }
 * ```
 */
export function readLocalSettings(root: string, pairs: readonly string[] = []): LocalSettings {
  const fromFile = cdkJsonContext(join(root, 'cdk.json'));
  const fromArgs = Object.fromEntries(pairs.map(contextPair));
  const settings = parseSettings({ ...fromFile, ...fromArgs });
  const local = Object.fromEntries(LOCAL_SETTING_KEYS.map((key) => [key, settings[key]])) as LocalPipelineSettings;
  const source = (key: string): SettingSource =>
    Object.hasOwn(fromArgs, key) ? '-c' : Object.hasOwn(fromFile, key) ? 'cdk.json' : 'default';
  const sources = Object.fromEntries(LOCAL_SETTING_KEYS.map((key) => [key, source(key)])) as LocalSettings['sources'];
  return { settings: local, sources };
}

/**
 * One banner line: each applied setting, its value and where it came from.
 *
 * @example
 * ```ts
 * formatLocalSettings(readLocalSettings('.', ['maxReceiveCount=5']));
 * // 'maxReceiveCount 5 (-c), processorTimeoutSeconds 30 (default), deliveryToleranceSeconds 900 (default), futureToleranceSeconds 900 (default), archive true (default)'
 * ```
 */
export function formatLocalSettings({ settings, sources }: LocalSettings): string {
  return LOCAL_SETTING_KEYS.map((key) => `${key} ${settings[key] ?? SETTINGS[key].default} (${sources[key]})`).join(
    ', ',
  );
}

/** `key=value` as CDK's `-c` takes it: the value is everything after the first `=`. */
function contextPair(pair: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw new ConfigError(pair, 'key=value after -c', pair);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

function cdkJsonContext(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const context = (JSON.parse(text) as { context?: unknown }).context;
  return typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : {};
}
