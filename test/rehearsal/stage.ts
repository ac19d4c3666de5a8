import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ROUTES } from '../../lambda/core/constants.ts';
import { projectRoot } from '../../lib/bundling.ts';
import { createLocalSqsClient } from '../../local/api/sqs-client.ts';
import { createProcessorTables, type LocalDynamo, startDynamo } from '../../local/dynamo.ts';
import { toHttpApiEvent } from '../../local/http-event.ts';
import { createPoller } from '../../local/poller.ts';
import { startSqsEmulator } from '../../local/sqs-emulator.ts';
import type { SqsEmulator } from '../../local/types.ts';
import {
  type AwsCall,
  type AwsJsonInput,
  type RecordingProxy,
  startRecordingProxy,
} from '../helpers/aws-recording-proxy.ts';
import { type CdkSynthRun, type CfnTemplate, DEFAULT_STACK, sharedCdkSynth } from '../helpers/cdk-synth.ts';
import { type FirehoseStub, startFirehoseStub } from '../helpers/firehose-stub.ts';
import {
  type LambdaInvocation,
  type LambdaSandbox,
  linkAwsSdkRuntimeModules,
  startLambdaSandbox,
} from '../helpers/lambda-sandbox.ts';
import { type S3Stub, startS3Stub } from '../helpers/s3-stub.ts';
import { type SecretsManagerStub, startSecretsManagerStub } from '../helpers/secrets-manager-stub.ts';
import { type Deployment, type FunctionRole, REHEARSAL_ENV, readDeployment } from './deployment.ts';
import { type LambdaNode, lambdaNodeFor } from './lambda-node.ts';

/** The `via` of calls the Lambda service makes with the processor's role to poll its queue. */
export const EVENT_SOURCE_MAPPING = 'event-source-mapping';

/** SDK endpoint variables a function may use, by `AWS_ENDPOINT_URL_<name>`. */
const SERVICES = {
  SQS: 'sqs',
  DYNAMODB: 'dynamodb',
  SECRETS_MANAGER: 'secretsmanager',
  FIREHOSE: 'firehose',
  S3: 's3',
} as const;
type EndpointName = keyof typeof SERVICES;

/** A signed HTTP delivery, as Smartcar POSTs it. */
export interface HttpDelivery {
  body: string;
  headers: Record<string, string>;
  /** @default `POST ${ROUTES.DATA_PATH}` (must be a route of the template) */
  routeKey?: string;
}

/** One invocation of the processor by the event source mapping, with the event it was given. */
export interface PolledBatch extends LambdaInvocation<SQSBatchResponse> {
  event: SQSEvent;
}

/** Everything the rehearsal runs: the synthesized app, the emulators, the functions. */
export interface RehearsalStage {
  readonly deployment: Deployment;
  readonly node: LambdaNode;
  /** Every AWS request the functions (and the event source mapping) made through the proxies. */
  readonly calls: AwsCall[];
  /** Invocations of any function so far. */
  readonly invocations: number;
  /** The warm instances, with every service behind a recording proxy. */
  readonly receiver: LambdaSandbox;
  readonly processor: LambdaSandbox;
  /** Unrecorded clients straight to the emulators, for the tests' own reads. */
  readonly sqs: SQSClient;
  readonly dynamo: LocalDynamo;
  /** The archive's Firehose stand-in, with every record the processor put. */
  readonly firehose: FirehoseStub;
  /** S3 with the template's buckets (empty): the receiver's quarantine writes here. */
  readonly s3: S3Stub;
  /** The main queue's URL as fauxqs spells it (for the unrecorded client). */
  readonly queueUrl: string;
  /** The secret value the stub serves (the AMT the deliveries are signed with). */
  readonly amt: string;
  /** API Gateway's payload-2.0 event for a delivery, on a route from the template. */
  httpEvent(delivery: HttpDelivery): APIGatewayProxyEventV2;
  /** Invokes the receiver instance with a delivery. */
  deliver(
    delivery: HttpDelivery,
    receiver?: LambdaSandbox,
  ): Promise<LambdaInvocation<APIGatewayProxyStructuredResultV2>>;
  /**
   * One pass of the event source mapping: polls the main queue with the processor's role as
   * Lambda does, invokes `processor` with each batch until `batches` invocations ran, deletes
   * what was not reported failed, and stops.
   */
  pollQueue(processor?: LambdaSandbox, batches?: number): Promise<PolledBatch[]>;
  /**
   * Another, cold instance of a function; `endpoints` replace its recorded ones (e.g. a hanging
   * server for `SQS`). Closed with the stage.
   */
  startInstance(role: FunctionRole, endpoints?: Partial<Record<EndpointName, string>>): Promise<LambdaSandbox>;
  close(): Promise<void>;
}

/** Options of {@link startRehearsalStage}. */
export interface RehearsalStageOptions {
  /** The AMT the stub's secret holds. */
  amt: string;
  /**
   * The cloud assembly to deploy: another app's `cdk synth` (one pipeline), e.g. a consumer of
   * the npm package's.
   * @default the run's shared `cdk synth` of the project's stack
   */
  assembly?: { template: CfnTemplate; outDir: string; stackName: string };
}

/**
 * Takes the run's one real `cdk synth` (shared with synth.test.ts), then "deploys" it onto
 * loopback: fauxqs with the template's queues, dynalite with its tables, a Secrets Manager stub with its secret, a
 * recording proxy per function and service, and one warm instance of each function running its
 * bundled asset in a child Node process, configured only from the template.
 *
 * @example
 * ```ts
 * const stage = await startRehearsalStage({ amt: TEST_AMT });
 * const { result } = await stage.deliver({ body, headers });
 * await stage.close();
 * ```
 */
export async function startRehearsalStage(options: RehearsalStageOptions): Promise<RehearsalStage> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    return await build(options, cleanups, close);
  } catch (error) {
    await close();
    throw error;
  }
}

async function build(
  options: RehearsalStageOptions,
  cleanups: Array<() => Promise<void> | void>,
  close: () => Promise<void>,
): Promise<RehearsalStage> {
  const assembly = options.assembly ?? (await sharedAssembly());
  const deployment = readDeployment(assembly.template, assembly.outDir, assembly.stackName);
  const { resolver } = deployment;
  const { receiver: receiverFn, processor: processorFn } = deployment.functions;
  for (const fn of [receiverFn, processorFn]) assertNoNodeModulesAbove(fn.spec.taskRoot);

  const node = lambdaNodeFor(processorFn.spec.runtime);
  const runtimeDir = mkdtempSync(join(tmpdir(), 'lambda-runtime-'));
  cleanups.push(() => rmSync(runtimeDir, { recursive: true, force: true }));
  const runtimeModules = linkAwsSdkRuntimeModules(join(projectRoot(), 'node_modules'), runtimeDir).dir;

  // Emulators, straight from the template's resources.
  const emulator: SqsEmulator = await startSqsEmulator();
  cleanups.push(() => emulator.close());
  const sqs = createLocalSqsClient(emulator.endpoint, { maxAttempts: 1 });
  cleanups.push(() => sqs.destroy());
  const queueUrls = await createTemplateQueues(sqs, deployment);
  const dynamo = await startDynamo();
  cleanups.push(() => dynamo.close());
  await createProcessorTables(dynamo.client, {
    idempotencyTableName: resolver.resolve(processorFn.rawEnvironment.IDEMPOTENCY_TABLE_NAME),
    vehicleStateTableName: resolver.resolve(processorFn.rawEnvironment.VEHICLE_STATE_TABLE_NAME),
  });
  // Which secret is read is checked on the recorded call (its ARN must be the template's).
  const secrets: SecretsManagerStub = await startSecretsManagerStub({ secretString: options.amt });
  cleanups.push(() => secrets.close());
  // The archive's Firehose stream: a stand-in that stores what the processor puts.
  const firehose: FirehoseStub = await startFirehoseStub();
  cleanups.push(() => firehose.close());
  // S3 with every bucket of the template, by its physical name (the receiver's quarantine).
  const s3: S3Stub = await startS3Stub();
  cleanups.push(() => s3.close());
  for (const [id, resource] of Object.entries(deployment.template.Resources)) {
    if (resource.Type === 'AWS::S3::Bucket') s3.buckets.set(resolver.ref(id), new Map());
  }
  const upstreams: Record<EndpointName, string> = {
    SQS: emulator.endpoint,
    DYNAMODB: dynamo.endpoint,
    SECRETS_MANAGER: secrets.url,
    FIREHOSE: firehose.url,
    S3: s3.url,
  };

  // Recording proxies: one per caller and service, so every request says who sent it.
  const calls: AwsCall[] = [];
  const mapInput = (service: string, input: AwsJsonInput): AwsJsonInput => {
    if (service !== 'sqs' || typeof input.QueueUrl !== 'string') return input;
    const name = input.QueueUrl.slice(input.QueueUrl.lastIndexOf('/') + 1);
    return { ...input, QueueUrl: queueUrls.get(name) ?? input.QueueUrl };
  };
  const proxiesFor = async (caller: FunctionRole, via?: string): Promise<Record<EndpointName, string>> => {
    const entries = await Promise.all(
      (Object.keys(SERVICES) as EndpointName[]).map(async (name) => {
        const proxy: RecordingProxy = await startRecordingProxy({
          caller,
          ...(via ? { via } : {}),
          upstream: upstreams[name],
          calls,
          arnOf: deployment.arnOf,
          mapInput,
          ...(SERVICES[name] === 's3' ? { rest: 's3' as const } : {}),
        });
        cleanups.push(() => proxy.close());
        return [name, proxy.endpoint] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<EndpointName, string>;
  };
  const recordedEndpoints = { receiver: await proxiesFor('receiver'), processor: await proxiesFor('processor') };
  const mappingEndpoint = (await proxiesFor('processor', EVENT_SOURCE_MAPPING)).SQS;

  let invocations = 0;
  const startInstance = async (
    role: FunctionRole,
    endpoints: Partial<Record<EndpointName, string>> = {},
  ): Promise<LambdaSandbox> => {
    const fn = deployment.functions[role];
    const chosen = { ...recordedEndpoints[role], ...endpoints };
    const sandbox = await startLambdaSandbox(
      { ...fn.spec, environment: deployment.environmentOf(role, chosen.SQS) },
      { nodeBinary: node.path, runtimeModules, region: REHEARSAL_ENV.region, endpoints: chosen },
    );
    cleanups.push(() => sandbox.close());
    return {
      ...sandbox,
      invoke: <T>(event: unknown) => {
        invocations += 1;
        return sandbox.invoke<T>(event);
      },
    };
  };
  const [receiver, processor] = await Promise.all([startInstance('receiver'), startInstance('processor')]);

  const routes = Object.values(deployment.template.Resources)
    .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route')
    .map((resource) => String(resource.Properties?.RouteKey));
  const httpEvent = (delivery: HttpDelivery): APIGatewayProxyEventV2 => {
    const routeKey = delivery.routeKey ?? `POST ${ROUTES.DATA_PATH}`;
    if (!routes.includes(routeKey))
      throw new Error(`The template has no route ${routeKey} (it has ${routes.join(', ')})`);
    const [method, path] = routeKey.split(' ') as [string, string];
    return toHttpApiEvent(
      {
        method,
        url: path,
        rawHeaders: Object.entries(delivery.headers).flat(),
        body: Buffer.from(delivery.body),
        sourceIp: '192.0.2.10',
        httpVersion: '1.1',
      },
      routeKey,
      `rehearsal.execute-api.${REHEARSAL_ENV.region}.amazonaws.com`,
    );
  };

  const queueId = deployment.logicalIdOf('AWS::SQS::Queue', '/Processing/Queue/');
  const mapping = Object.values(deployment.template.Resources).find(
    (resource) => resource.Type === 'AWS::Lambda::EventSourceMapping',
  );
  const mappingSqs = createLocalSqsClient(mappingEndpoint, { maxAttempts: 1 });
  cleanups.push(() => mappingSqs.destroy());

  const pollQueue = async (target = processor, batches = 1): Promise<PolledBatch[]> => {
    const results: PolledBatch[] = [];
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const poller = createPoller({
      sqs: mappingSqs,
      queueUrl: deployment.resolverFor(mappingEndpoint).ref(queueId),
      queueArn: resolver.getAtt(queueId, 'Arn'),
      batchSize: Number(mapping?.Properties?.BatchSize ?? 10),
      timeoutSeconds: processorFn.spec.timeoutSeconds,
      waitTimeSeconds: 1,
      region: REHEARSAL_ENV.region,
      functionName: processorFn.spec.functionName,
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      handler: async (event) => {
        const invocation = await target.invoke<SQSBatchResponse>(event);
        results.push({ ...invocation, event });
        if (results.length >= batches) done();
        if (invocation.error) throw new Error(`${invocation.error.errorType}: ${invocation.error.errorMessage}`);
        return invocation.result;
      },
    });
    poller.start();
    await finished;
    // stop() lets the batch in flight finish, deletes included.
    await poller.stop();
    return results;
  };

  return {
    deployment,
    node,
    calls,
    get invocations() {
      return invocations;
    },
    receiver,
    processor,
    sqs,
    dynamo,
    firehose,
    s3,
    queueUrl: queueUrls.get(resolver.getAtt(queueId, 'QueueName'))!,
    amt: options.amt,
    httpEvent,
    deliver: (delivery, target = receiver) => target.invoke<APIGatewayProxyStructuredResultV2>(httpEvent(delivery)),
    pollQueue,
    startInstance,
    close,
  };
}

/** The run's one `cdk synth` of the project's stack (shared with synth.test.ts). */
async function sharedAssembly(): Promise<NonNullable<RehearsalStageOptions['assembly']>> {
  const synth: CdkSynthRun = await sharedCdkSynth();
  if (synth.status !== 0) throw new Error(`cdk synth failed (${synth.status}):\n${synth.stderr}`);
  return { template: synth.template(), outDir: synth.outDir, stackName: DEFAULT_STACK };
}

/**
 * Creates every `AWS::SQS::Queue` of the template in fauxqs under its physical name, with the
 * template's visibility timeout, retention, size and redrive policy (dead-letter queues first).
 *
 * @returns fauxqs' URL of each queue, by physical name.
 */
async function createTemplateQueues(sqs: SQSClient, deployment: Deployment): Promise<Map<string, string>> {
  const queues = Object.entries(deployment.template.Resources).filter(
    ([, resource]) => resource.Type === 'AWS::SQS::Queue',
  );
  queues.sort(
    ([, a], [, b]) =>
      Number(a.Properties?.RedrivePolicy !== undefined) - Number(b.Properties?.RedrivePolicy !== undefined),
  );
  const urls = new Map<string, string>();
  for (const [logicalId, resource] of queues) {
    const properties = resource.Properties ?? {};
    const attributes: Record<string, string> = {};
    for (const key of ['VisibilityTimeout', 'MessageRetentionPeriod', 'MaximumMessageSize'] as const) {
      if (properties[key] !== undefined) attributes[key] = String(properties[key]);
    }
    const redrive = properties.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number } | undefined;
    if (redrive) {
      attributes.RedrivePolicy = JSON.stringify(deployment.resolver.resolve(redrive));
    }
    const name = deployment.resolver.getAtt(logicalId, 'QueueName');
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!QueueUrl) throw new Error(`fauxqs returned no URL for ${name}`);
    urls.set(name, QueueUrl);
  }
  return urls;
}

/**
 * A bundle must find its dependencies inside itself: no `node_modules` may sit in the asset
 * directory or above it (the cloud assembly is in the temp dir, far from the project's).
 */
function assertNoNodeModulesAbove(dir: string): void {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules'))) {
      throw new Error(
        `${join(current, 'node_modules')} would let the bundle at ${dir} resolve modules Lambda does not have`,
      );
    }
    if (current === parse(current).root) return;
  }
}
