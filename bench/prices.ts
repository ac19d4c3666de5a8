/**
 * AWS on-demand prices the cost model uses: us-east-1, first pricing tier, no free tier.
 * Check the linked pages before quoting a figure; update `PRICES_AS_OF` with any change.
 */

/** When these prices were last checked. */
export const PRICES_AS_OF = '2026-11-01';

/** Region the prices are for. */
export const PRICES_REGION = 'us-east-1';

/** One price: USD per `unit`, and where it comes from. */
export interface Price {
  usd: number;
  unit: string;
  source: string;
}

/** The price table, by AWS service and dimension. */
export const PRICES = {
  httpApiRequest: {
    usd: 1.0 / 1e6,
    unit: 'request (first 300M/month)',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
  },
  restApiRequest: {
    usd: 3.5 / 1e6,
    unit: 'request (first 333M/month)',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
  },
  /** A Function URL adds no charge of its own: the invocation and its duration are the bill. */
  functionUrlRequest: { usd: 0, unit: 'request', source: 'https://aws.amazon.com/lambda/pricing/' },
  wafRequest: {
    usd: 0.6 / 1e6,
    unit: 'request inspected (up to 1,500 WCU, default body size)',
    source: 'https://aws.amazon.com/waf/pricing/',
  },
  wafWebAclMonth: { usd: 5.0, unit: 'web ACL per month', source: 'https://aws.amazon.com/waf/pricing/' },
  /** Each rule and each managed rule group counts as one rule; the AWS baseline groups add no subscription fee. */
  wafRuleMonth: { usd: 1.0, unit: 'rule or rule group per month', source: 'https://aws.amazon.com/waf/pricing/' },
  /** Requests to AWS-managed keys are billed too (only their storage is free). */
  kmsRequest: { usd: 0.03 / 1e4, unit: 'symmetric key request', source: 'https://aws.amazon.com/kms/pricing/' },
  kmsKeyMonth: { usd: 1.0, unit: 'customer managed key per month', source: 'https://aws.amazon.com/kms/pricing/' },
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'invocation', source: 'https://aws.amazon.com/lambda/pricing/' },
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'GB-second, arm64', source: 'https://aws.amazon.com/lambda/pricing/' },
  lambdaX86GbSecond: { usd: 0.0000166667, unit: 'GB-second, x86_64', source: 'https://aws.amazon.com/lambda/pricing/' },
  sqsRequest: {
    usd: 0.4 / 1e6,
    unit: 'standard queue request (each 64 KB chunk of a payload is one request)',
    source: 'https://aws.amazon.com/sqs/pricing/',
  },
  secretsManagerApiCall: {
    usd: 0.05 / 1e4,
    unit: 'API call',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
  },
  secretsManagerSecretMonth: {
    usd: 0.4,
    unit: 'secret per month',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
  },
  /** Standard log class. */
  firehoseIngestionGb: {
    usd: 0.029,
    unit: 'GB ingested, Direct PUT (each record rounded up to 5 KB)',
    source: 'https://aws.amazon.com/firehose/pricing/',
  },
  s3StandardGbMonth: {
    usd: 0.023,
    unit: 'GB-month, S3 Standard (first 50 TB)',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  s3InfrequentAccessGbMonth: {
    usd: 0.0125,
    unit: 'GB-month, S3 Standard-IA',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  s3PutRequest: { usd: 0.005 / 1e3, unit: 'PUT request, S3 Standard', source: 'https://aws.amazon.com/s3/pricing/' },
  s3TransitionToIaRequest: {
    usd: 0.01 / 1e3,
    unit: 'lifecycle transition request to Standard-IA',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  logsIngestionGb: { usd: 0.5, unit: 'GB ingested', source: 'https://aws.amazon.com/cloudwatch/pricing/' },
  /** Charged on compressed bytes; the model applies it to raw bytes for one month, an upper bound. */
  logsStorageGbMonth: { usd: 0.03, unit: 'GB-month archived', source: 'https://aws.amazon.com/cloudwatch/pricing/' },
  /** EMF lines cost no PutMetricData calls, but every metric series is billed per month (pro rata per hour). */
  customMetricMonth: {
    usd: 0.3,
    unit: 'custom metric per month (first 10k)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  alarmMonth: {
    usd: 0.1,
    unit: 'standard-resolution alarm metric per month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  /** The first 3 dashboards of an account are free. */
  dashboardMonth: {
    usd: 3.0,
    unit: 'dashboard per month (beyond 3 free)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  /** On-demand after the 50% cut of 2024-11-01 (AWS What's New, 2024-11-14). */
  dynamoWriteRequestUnit: {
    usd: 0.625 / 1e6,
    unit: 'write request unit (1 KB)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoReadRequestUnit: {
    usd: 0.125 / 1e6,
    unit: 'read request unit (4 KB strongly consistent)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
} as const satisfies Record<string, Price>;

/** Bytes in one GB as CloudWatch bills it. */
export const BYTES_PER_GB = 1024 ** 3;

/** Bytes per SQS billing chunk. */
export const SQS_CHUNK_BYTES = 64 * 1024;
