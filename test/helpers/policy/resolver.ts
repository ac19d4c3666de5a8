import { PolicyEvaluatorError } from './errors.ts';
import type { TemplateJson, TemplateResource } from './types.ts';

/** The account, region and stack a template is resolved for. */
export interface ResolverEnvironment {
  /** @default 'aws' */
  partition?: string;
  /** @default 'us-east-1' */
  region?: string;
  /** @default '123456789012' */
  accountId?: string;
  /** @default 'amazonaws.com' */
  urlSuffix?: string;
  /** `AWS::StackName`, and the prefix of names CloudFormation generates. @default 'TestStack' */
  stackName?: string;
}

/**
 * What a test knows about one deployed resource. Give any of `name`, `arn` or `url`; the
 * others are derived from it for the resource's type. `attributes` override `Fn::GetAtt`.
 */
export interface PhysicalResource {
  name?: string;
  arn?: string;
  url?: string;
  attributes?: Record<string, string>;
}

/** Options of {@link createResolver}. */
export interface ResolverOptions extends ResolverEnvironment {
  /**
   * Physical identities by logical id.
   * @default {} - every resource gets a CloudFormation-style generated name `${stackName}-${logicalId}-GENERATED`
   */
  physical?: Record<string, PhysicalResource>;
}

/** Turns the intrinsics of one template into concrete strings. */
export interface Resolver {
  /** The environment in effect, defaults filled in. */
  readonly env: Required<ResolverEnvironment>;
  /** Deep copy of `value` with every `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split` resolved. */
  resolve<T = unknown>(value: unknown): T;
  /** What `{ Ref: logicalId }` (or a pseudo parameter) resolves to. */
  ref(logicalId: string): string;
  /** What `{ 'Fn::GetAtt': [logicalId, attribute] }` resolves to. */
  getAtt(logicalId: string, attribute: string): string;
}

/** Per type: the property that names the resource, how its identities derive from its name, what Ref gives. */
interface TypeRule {
  nameProperty?: string;
  arn?: (name: string, env: Required<ResolverEnvironment>) => string;
  url?: (name: string, env: Required<ResolverEnvironment>) => string;
  /** Recovers the name from an ARN or URL the test supplied. */
  nameFrom?: (arnOrUrl: string) => string;
  ref: 'name' | 'arn' | 'url';
  attributes?: Record<string, 'name' | 'arn' | 'url'>;
}

const lastSegment = (separator: string | RegExp) => (value: string) => value.split(separator).pop()!;

const TYPE_RULES: Record<string, TypeRule> = {
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    arn: (name, e) => `arn:${e.partition}:sqs:${e.region}:${e.accountId}:${name}`,
    url: (name, e) => `https://sqs.${e.region}.${e.urlSuffix}/${e.accountId}/${name}`,
    nameFrom: lastSegment(/[:/]/),
    ref: 'url',
    attributes: { Arn: 'arn', QueueName: 'name', QueueUrl: 'url' },
  },
  'AWS::DynamoDB::Table': {
    nameProperty: 'TableName',
    arn: (name, e) => `arn:${e.partition}:dynamodb:${e.region}:${e.accountId}:table/${name}`,
    nameFrom: lastSegment('/'),
    ref: 'name',
    attributes: { Arn: 'arn' },
  },
  'AWS::SecretsManager::Secret': {
    nameProperty: 'Name',
    // Secrets Manager appends a random 6-character suffix to every secret ARN.
    arn: (name, e) => `arn:${e.partition}:secretsmanager:${e.region}:${e.accountId}:secret:${name}-AbCdEf`,
    nameFrom: (arn) =>
      arn
        .split(':')
        .slice(6)
        .join(':')
        .replace(/-[A-Za-z0-9]{6}$/, ''),
    ref: 'arn',
    attributes: { Id: 'arn' },
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    arn: (name, e) => `arn:${e.partition}:sns:${e.region}:${e.accountId}:${name}`,
    nameFrom: lastSegment(':'),
    ref: 'arn',
    attributes: { TopicArn: 'arn', TopicName: 'name' },
  },
  'AWS::CloudWatch::Alarm': {
    nameProperty: 'AlarmName',
    arn: (name, e) => `arn:${e.partition}:cloudwatch:${e.region}:${e.accountId}:alarm:${name}`,
    nameFrom: (arn) => arn.split(':').slice(6).join(':'),
    ref: 'name',
    attributes: { Arn: 'arn' },
  },
  'AWS::Logs::LogGroup': {
    nameProperty: 'LogGroupName',
    // The Arn attribute of a log group ends in ':*' (it covers the group's streams).
    arn: (name, e) => `arn:${e.partition}:logs:${e.region}:${e.accountId}:log-group:${name}:*`,
    nameFrom: (arn) => arn.split(':').slice(6).join(':').replace(/:\*$/, ''),
    ref: 'name',
    attributes: { Arn: 'arn' },
  },
  'AWS::IAM::Role': {
    nameProperty: 'RoleName',
    arn: (name, e) => `arn:${e.partition}:iam::${e.accountId}:role/${name}`,
    nameFrom: lastSegment('/'),
    ref: 'name',
    attributes: { Arn: 'arn' },
  },
  'AWS::IAM::ManagedPolicy': {
    nameProperty: 'ManagedPolicyName',
    arn: (name, e) => `arn:${e.partition}:iam::${e.accountId}:policy/${name}`,
    nameFrom: lastSegment('/'),
    ref: 'arn',
    attributes: { PolicyArn: 'arn' },
  },
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    arn: (name, e) => `arn:${e.partition}:s3:::${name}`,
    nameFrom: lastSegment(':'),
    ref: 'name',
    attributes: { Arn: 'arn' },
  },
  'AWS::KinesisFirehose::DeliveryStream': {
    nameProperty: 'DeliveryStreamName',
    arn: (name, e) => `arn:${e.partition}:firehose:${e.region}:${e.accountId}:deliverystream/${name}`,
    nameFrom: lastSegment('/'),
    ref: 'name',
    attributes: { Arn: 'arn' },
  },
  'AWS::Lambda::Function': {
    nameProperty: 'FunctionName',
    arn: (name, e) => `arn:${e.partition}:lambda:${e.region}:${e.accountId}:function:${name}`,
    nameFrom: lastSegment(':'),
    ref: 'name',
    attributes: { Arn: 'arn' },
  },
};

const DEFAULT_ENV: Required<ResolverEnvironment> = {
  partition: 'aws',
  region: 'us-east-1',
  accountId: '123456789012',
  urlSuffix: 'amazonaws.com',
  stackName: 'TestStack',
};

/**
 * A resolver for the intrinsics of one synthesized template. Resources the test does not
 * describe get CloudFormation-style names (`${stackName}-${logicalId}-GENERATED`, or the
 * literal name property when the template sets one) and the ARN/URL their type implies:
 * queue ARN and URL, table ARN, secret ARN (with a suffix), topic ARN, alarm ARN, log group
 * ARN, role ARN, function ARN. Anything it cannot resolve throws {@link PolicyEvaluatorError}.
 *
 * @example
 * ```ts
 * const resolver = createResolver(template.toJSON(), {
 *   stackName: 'SmartcarWebhooks-dev', accountId: '000000000000',
 *   physical: { ProcessingQueueA1640E9B: { url: 'http://127.0.0.1:4566/000000000000/main' } },
 * });
 * resolver.getAtt('ProcessingQueueA1640E9B', 'Arn'); // 'arn:aws:sqs:us-east-1:000000000000:main'
 * resolver.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b' }); // 'arn:aws:s3:::b'
 * ```
 */
export function createResolver(template: TemplateJson, options: ResolverOptions = {}): Resolver {
  const { physical = {}, ...environment } = options;
  const env: Required<ResolverEnvironment> = { ...DEFAULT_ENV, ...definedOnly(environment) };
  const resources = template.Resources ?? {};
  const resolving = new Set<string>();

  const pseudo: Record<string, string> = {
    'AWS::Partition': env.partition,
    'AWS::Region': env.region,
    'AWS::AccountId': env.accountId,
    'AWS::URLSuffix': env.urlSuffix,
    'AWS::StackName': env.stackName,
    'AWS::StackId': `arn:${env.partition}:cloudformation:${env.region}:${env.accountId}:stack/${env.stackName}/00000000-0000-0000-0000-000000000000`,
  };

  const resourceOf = (logicalId: string): TemplateResource => {
    const resource = resources[logicalId];
    if (!resource) throw new PolicyEvaluatorError(`no resource ${logicalId} in the template`);
    return resource;
  };

  const identity = (logicalId: string, kind: 'name' | 'arn' | 'url'): string => {
    const resource = resourceOf(logicalId);
    const rule = TYPE_RULES[resource.Type];
    const given = physical[logicalId] ?? {};
    if (given[kind] !== undefined) return given[kind];
    const name = nameOf(logicalId, resource, rule, given);
    if (kind === 'name') return name;
    const derive = rule?.[kind];
    if (!derive)
      throw new PolicyEvaluatorError(`cannot derive the ${kind} of ${logicalId} (${resource.Type}); supply it`);
    return derive(name, env);
  };

  const nameOf = (
    logicalId: string,
    resource: TemplateResource,
    rule: TypeRule | undefined,
    given: PhysicalResource,
  ): string => {
    if (given.name !== undefined) return given.name;
    const fromGiven = given.arn ?? given.url;
    if (fromGiven !== undefined && rule?.nameFrom) return rule.nameFrom(fromGiven);
    const property = rule?.nameProperty ? resource.Properties?.[rule.nameProperty] : undefined;
    if (property !== undefined) {
      if (resolving.has(logicalId)) throw new PolicyEvaluatorError(`circular name of ${logicalId}`);
      resolving.add(logicalId);
      try {
        return String(resolve(property));
      } finally {
        resolving.delete(logicalId);
      }
    }
    return `${env.stackName}-${logicalId}-GENERATED`;
  };

  const ref = (logicalId: string): string => {
    if (logicalId in pseudo) return pseudo[logicalId]!;
    if (logicalId.startsWith('AWS::')) throw new PolicyEvaluatorError(`pseudo parameter ${logicalId} is not modelled`);
    const rule = TYPE_RULES[resourceOf(logicalId).Type];
    return identity(logicalId, rule?.ref ?? 'name');
  };

  const getAtt = (logicalId: string, attribute: string): string => {
    const given = physical[logicalId]?.attributes?.[attribute];
    if (given !== undefined) return given;
    const resource = resourceOf(logicalId);
    const kind = TYPE_RULES[resource.Type]?.attributes?.[attribute];
    if (!kind)
      throw new PolicyEvaluatorError(
        `Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) is not modelled; supply it in attributes`,
      );
    return identity(logicalId, kind);
  };

  const sub = (text: string, variables: Record<string, unknown>): string =>
    text
      .replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
        if (name in variables) return String(resolve(variables[name]));
        const dot = name.indexOf('.');
        return dot > 0 ? getAtt(name.slice(0, dot), name.slice(dot + 1)) : ref(name);
      })
      .replace(/\$\{!/g, '${');

  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
      return intrinsic(key, argument);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };

  const intrinsic = (name: string, argument: unknown): unknown => {
    switch (name) {
      case 'Ref':
        return ref(String(argument));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split(/\.(.*)/s);
        return getAtt(String(logicalId), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown];
        return (resolve(parts) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Sub': {
        const [text, variables = {}] = Array.isArray(argument) ? argument : [argument];
        return sub(String(text), variables as Record<string, unknown>);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        const items = resolve(list) as unknown[];
        const item = items[Number(resolve(index))];
        if (item === undefined) throw new PolicyEvaluatorError(`Fn::Select index ${String(index)} out of range`);
        return item;
      }
      case 'Fn::Split': {
        const [separator, text] = argument as [string, unknown];
        return String(resolve(text)).split(separator);
      }
      default:
        throw new PolicyEvaluatorError(`intrinsic ${name} is not modelled by the test resolver`);
    }
  };

  return { env, resolve: <T>(value: unknown) => resolve(value) as T, ref, getAtt };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
