import { join } from 'node:path';
import type { AwsService } from '../helpers/aws-recording-proxy.ts';
import type { CfnResource, CfnTemplate } from '../helpers/cdk-synth.ts';
import type { LambdaFunctionSpec } from '../helpers/lambda-sandbox.ts';
import { createResolver, type Resolver } from '../helpers/policy-evaluator.ts';

/**
 * The synthesized template as CloudFormation would deploy it into the rehearsal's pretend
 * account: the policy evaluator's resolver names every resource (`<stack>-<logicalId>-GENERATED`)
 * and resolves the intrinsics; queue URLs are on whichever SQS origin the caller talks to.
 */

/** Where the rehearsal "deploys": fauxqs' account, the region the emulators use. */
export const REHEARSAL_ENV = { accountId: '000000000000', region: 'us-east-1' } as const;

/** The two functions of the stack, found by their construct path. */
export type FunctionRole = 'receiver' | 'processor';

/** A function of the template, with what the Lambda runtime needs to run it. */
export interface DeployedFunction {
  logicalId: string;
  /** Logical id of its execution role (`Role: {Fn::GetAtt: [id, Arn]}`). */
  roleLogicalId: string;
  /** The spec without environment; see {@link Deployment.environmentOf}. */
  spec: Omit<LambdaFunctionSpec, 'environment'>;
  /** `Environment.Variables` as synthesized (intrinsics unresolved). */
  rawEnvironment: Record<string, unknown>;
}

/** The rehearsal's view of a deployed template. */
export interface Deployment {
  readonly template: CfnTemplate;
  /** Resolves names and ARNs (queue URLs on the real SQS endpoint). */
  readonly resolver: Resolver;
  readonly functions: Readonly<Record<FunctionRole, DeployedFunction>>;
  /** Logical id of the one resource of `type` whose construct path contains `pathPart`. */
  logicalIdOf(type: string, pathPart?: string): string;
  /** A resolver whose queue URLs are on `sqsOrigin` (e.g. `http://127.0.0.1:49152`). */
  resolverFor(sqsOrigin: string): Resolver;
  /** A function's environment with every intrinsic resolved, queue URLs on `sqsOrigin`. */
  environmentOf(role: FunctionRole, sqsOrigin: string): Record<string, string>;
  /** ARN of what a request names: a queue URL (any origin), a table name, a secret ARN or name. */
  arnOf(service: AwsService, identifier: string): string | undefined;
}

/**
 * Reads a synthesized template (and its cloud assembly directory) as the rehearsal deploys it.
 *
 * @example
 * ```ts
 * const deployment = readDeployment(synth.template(), synth.outDir, 'SmartcarWebhooks-dev');
 * deployment.environmentOf('receiver', proxy.endpoint).QUEUE_URL; // 'http://127.0.0.1:…/000000000000/SmartcarWebhooks-dev-ProcessingQueue…'
 * ```
 */
export function readDeployment(template: CfnTemplate, outDir: string, stackName: string): Deployment {
  const options = { stackName, ...REHEARSAL_ENV };
  const resolver = createResolver(template, options);
  const idsOf = (type: string): string[] =>
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === type)
      .map(([id]) => id);
  const queueIds = idsOf('AWS::SQS::Queue');
  const resolverFor = (sqsOrigin: string): Resolver =>
    createResolver(template, {
      ...options,
      physical: Object.fromEntries(
        queueIds.map((id) => [
          id,
          { url: `${sqsOrigin}/${REHEARSAL_ENV.accountId}/${resolver.getAtt(id, 'QueueName')}` },
        ]),
      ),
    });
  const logicalIdOf = (type: string, pathPart = ''): string => findOne(template, type, pathPart)[0];

  const functionFor = (pathPart: string): DeployedFunction => {
    const [logicalId, resource] = findOne(template, 'AWS::Lambda::Function', pathPart);
    const properties = resource.Properties ?? {};
    const role = properties.Role as { 'Fn::GetAtt': [string, string] };
    return {
      logicalId,
      roleLogicalId: role['Fn::GetAtt'][0],
      spec: {
        functionName: resolver.ref(logicalId),
        taskRoot: join(outDir, String(resource.Metadata?.['aws:asset:path'])),
        handler: String(properties.Handler),
        runtime: String(properties.Runtime),
        // CloudFormation's defaults when the template leaves them out.
        timeoutSeconds: Number(properties.Timeout ?? 3),
        memorySize: Number(properties.MemorySize ?? 128),
      },
      rawEnvironment: (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
    };
  };
  const functions = { receiver: functionFor('/Receiver/'), processor: functionFor('/Processor/') };

  const byName = (type: string, name: string, attribute: string): string | undefined => {
    const id = idsOf(type).find(
      (candidate) => resolver.ref(candidate) === name || resolver.getAtt(candidate, attribute) === name,
    );
    return id === undefined ? undefined : resolver.getAtt(id, attribute);
  };

  return {
    template,
    resolver,
    functions,
    logicalIdOf,
    resolverFor,
    environmentOf: (role, sqsOrigin) =>
      resolverFor(sqsOrigin).resolve<Record<string, string>>(functions[role].rawEnvironment),
    arnOf: (service, identifier) => {
      switch (service) {
        case 'sqs': {
          const name = identifier.slice(identifier.lastIndexOf('/') + 1);
          const id = queueIds.find((candidate) => resolver.getAtt(candidate, 'QueueName') === name);
          return id === undefined ? undefined : resolver.getAtt(id, 'Arn');
        }
        case 'dynamodb':
          return byName('AWS::DynamoDB::Table', identifier, 'Arn');
        case 'secretsmanager':
          return byName('AWS::SecretsManager::Secret', identifier, 'Id');
        case 'firehose':
          return byName('AWS::KinesisFirehose::DeliveryStream', identifier, 'Arn');
        case 's3': {
          // `bucket/key`: the bucket by its name (its Ref), the object under its ARN.
          const [bucket = '', ...key] = identifier.split('/');
          const id = idsOf('AWS::S3::Bucket').find((candidate) => resolver.ref(candidate) === bucket);
          if (id === undefined) return undefined;
          return key.length ? `${resolver.getAtt(id, 'Arn')}/${key.join('/')}` : resolver.getAtt(id, 'Arn');
        }
      }
    },
  };
}

/** The one resource of `type` whose construct path contains `pathPart`. */
function findOne(template: CfnTemplate, type: string, pathPart: string): [string, CfnResource] {
  const matches = Object.entries(template.Resources).filter(
    ([, resource]) => resource.Type === type && String(resource.Metadata?.['aws:cdk:path'] ?? '').includes(pathPart),
  );
  if (matches.length !== 1) throw new Error(`Expected one ${type} under "${pathPart}", found ${matches.length}`);
  return matches[0]!;
}
