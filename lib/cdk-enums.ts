import type { RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * The values of the CDK enums the settings table and the defaults need, as plain values typed by
 * CDK's own enums (imported as types only): `npm start` reads the settings table, and loading
 * `aws-cdk-lib` for a few constants tripled the time `npm start -- --help` took (0.5 s against
 * 0.15 s). Each value is CDK's own (`test/infra/settings-without-cdk.test.ts` fails when
 * aws-cdk-lib disagrees).
 */

/** The removal policies a setting may choose (`-c removalPolicy=retain|destroy`). */
export const REMOVAL_POLICY = {
  DESTROY: 'destroy' as RemovalPolicy.DESTROY,
  RETAIN: 'retain' as RemovalPolicy.RETAIN,
} as const;

/** One month, the default retention of every log group. */
export const ONE_MONTH_RETENTION = 30 as RetentionDays.ONE_MONTH;

/**
 * Every finite retention CloudWatch Logs accepts, in days (CDK's `RetentionDays` without
 * `INFINITE`): a log group that never expires is refused.
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as readonly RetentionDays[];
