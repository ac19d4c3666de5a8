import type { ALARM_DEFAULTS, LOG_LEVELS } from './constants.ts';

/** Alarm thresholds by alarm; each alarm fires when its statistic is greater than its threshold. */
export type AlarmThresholds = { -readonly [K in keyof typeof ALARM_DEFAULTS]: number };

/** Powertools log levels accepted by the stack. */
export type LogLevel = (typeof LOG_LEVELS)[number];
