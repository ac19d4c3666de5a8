import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readAmtSecret } from '../../lambda/core/amt-secret.ts';
import type { IdempotencyStatus } from '../../lambda/core/idempotency-status.ts';
// The one import from a Lambda's own folder: the reader must derive the record's key exactly as
// the processor's runner writes it (Powertools persistence, prefix, JMESPath), so the two stay together.
import { createIdempotencyStatusReader } from '../../lambda/processor/idempotency.ts';
import { describeAmtSource } from '../../local/api/amt.ts';
import { LOCAL_PATHS } from '../../local/api/constants.ts';
import { requireAmt } from './amt.ts';
import { SmokeError } from './errors.ts';
import { fetchLocalDelivery, fetchLocalEndpoints } from './local-pipeline.ts';
import { readStackOutputs, STACK_OUTPUTS } from './stack-outputs.ts';

/** How the smoke CLI was told to find the pipeline. */
export type SmokeTargetSpec =
  | { kind: 'local'; url: string; amt?: string; envFile?: string }
  | { kind: 'stack'; stackName: string; region?: string; amt?: string };

/** Where to send the smoke deliveries, how to sign them and how to see them processed. */
export interface SmokeTarget {
  /** e.g. `stack SmartcarWebhooks-dev`. */
  description: string;
  webhookUrl: string;
  /** Signs the deliveries; never printed. */
  amt: string;
  /** Where the AMT came from, for the header line. */
  amtSource: string;
  /** What records processed events, for messages, e.g. `the idempotency table X`. */
  statusSource: string;
  /** Status of an eventId's idempotency record; `undefined` when there is none. Throws a `CliError` (`SmokeError` on AWS). */
  readStatus(eventId: string): Promise<IdempotencyStatus | undefined>;
  /** Where to look when the event was not processed in time. */
  hint: string;
  close(): void;
}

/** Clients to use instead of new ones (tests). */
export interface SmokeClients {
  cloudFormation?: CloudFormationClient;
  secretsManager?: SecretsManagerClient;
  dynamodb?: DynamoDBClient;
}

/**
 * Resolves a smoke target: a deployed stack (its `WebhookUrl`, `AmtSecretArn` and
 * `IdempotencyTableName` outputs; the AMT from that secret unless given) or a running
 * `npm start` (`/_local/endpoints`, `/_local/deliveries/{eventId}`; the AMT found as
 * `npm run send` finds it).
 *
 * @example
 * ```ts
 * const target = await resolveSmokeTarget({ kind: 'stack', stackName: 'SmartcarWebhooks-dev' });
 * try { await runSmoke(target, options); } finally { target.close(); }
 * ```
 */
export async function resolveSmokeTarget(spec: SmokeTargetSpec, clients: SmokeClients = {}): Promise<SmokeTarget> {
  return spec.kind === 'local' ? localTarget(spec) : stackTarget(spec, clients);
}

async function localTarget(spec: Extract<SmokeTargetSpec, { kind: 'local' }>): Promise<SmokeTarget> {
  const found = requireAmt({ explicit: spec.amt, envFile: spec.envFile });
  const endpoints = await fetchLocalEndpoints(spec.url, '--local URL or --stack NAME');
  return {
    description: `the local pipeline at ${endpoints.url}`,
    webhookUrl: endpoints.webhookUrl,
    amt: found.amt,
    amtSource: describeAmtSource(found),
    statusSource: `the local idempotency table (${LOCAL_PATHS.DELIVERIES})`,
    readStatus: async (eventId) => {
      const status = (await fetchLocalDelivery(endpoints.url, eventId))?.status;
      // NONE: the pipeline saw the event but holds no idempotency record (not processed yet).
      return status === 'NONE' ? undefined : status;
    },
    hint: `see the npm start output and npm run dlq -- list --local ${endpoints.url}`,
    close: () => undefined,
  };
}

async function stackTarget(
  spec: Extract<SmokeTargetSpec, { kind: 'stack' }>,
  clients: SmokeClients,
): Promise<SmokeTarget> {
  const region = spec.region ? { region: spec.region } : {};
  const cloudFormation = clients.cloudFormation ?? new CloudFormationClient(region);
  let outputs: Record<'WebhookUrl' | 'AmtSecretArn' | 'IdempotencyTableName', string>;
  try {
    outputs = await readStackOutputs(cloudFormation, spec.stackName, [
      STACK_OUTPUTS.WEBHOOK_URL,
      STACK_OUTPUTS.AMT_SECRET_ARN,
      STACK_OUTPUTS.IDEMPOTENCY_TABLE_NAME,
    ]);
  } finally {
    if (!clients.cloudFormation) cloudFormation.destroy();
  }
  const amt = spec.amt ?? (await readStackAmt(outputs.AmtSecretArn, clients.secretsManager, region));
  const dynamodb = clients.dynamodb ?? new DynamoDBClient(region);
  const tableName = outputs.IdempotencyTableName;
  const readStatus = createIdempotencyStatusReader({ dynamodb, tableName });
  return {
    description: `stack ${spec.stackName}`,
    webhookUrl: outputs.WebhookUrl,
    amt,
    amtSource: spec.amt ? describeAmtSource({ amt: spec.amt, source: 'option' }) : "the stack's secret",
    statusSource: `the idempotency table ${tableName}`,
    readStatus: async (eventId) => {
      try {
        return await readStatus(eventId);
      } catch (error) {
        throw await tableError(error, tableName, dynamodb);
      }
    },
    hint: `see the processor's log group and npm run dlq -- list --stack ${spec.stackName}`,
    close: () => {
      if (!clients.dynamodb) dynamodb.destroy();
    },
  };
}

/** The current AMT in the stack's secret (plain or `{"current","previous"}`, as the receiver reads it). */
async function readStackAmt(
  secretArn: string,
  given: SecretsManagerClient | undefined,
  region: { region?: string },
): Promise<string> {
  const client = given ?? new SecretsManagerClient(region);
  let secretString: string | undefined;
  try {
    ({ SecretString: secretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn })));
  } catch (error) {
    throw new SmokeError(
      `Could not read the AMT from ${secretArn} (${describeAwsError(error)}); pass --amt to skip that`,
      { cause: error },
    );
  } finally {
    if (!given) client.destroy();
  }
  const reading = readAmtSecret(secretString);
  if ('problem' in reading) {
    throw new SmokeError(
      `The stack's secret ${secretArn} holds no usable AMT (AMT secret is not configured: ${reading.problem}): put the AMT in it first (README "Put the AMT in the secret"), or pass --amt`,
    );
  }
  return reading.tokens.current;
}

async function tableError(error: unknown, tableName: string, dynamodb: DynamoDBClient): Promise<SmokeError> {
  if ((error as Error).name === 'ResourceNotFoundException') {
    const region = await dynamodb.config.region().catch(() => 'this Region');
    return new SmokeError(
      `The idempotency table ${tableName} does not exist in ${region}; is --region the stack's Region?`,
      { cause: error },
    );
  }
  return new SmokeError(`Could not read the idempotency table ${tableName} (${describeAwsError(error)})`, {
    cause: error,
  });
}

function describeAwsError(error: unknown): string {
  const { name, message } = error as Error;
  return message && message !== name ? `${name}: ${message}` : name;
}
