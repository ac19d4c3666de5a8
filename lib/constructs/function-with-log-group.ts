import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functionCode, LAMBDA_ARCHITECTURE, LAMBDA_BUNDLING, LAMBDA_RUNTIME, type LambdaName } from '../bundling.ts';
import { RESOURCE_DEFAULTS } from '../defaults.ts';
import { overrideProps } from '../override-props.ts';

/**
 * `NodejsFunction` props a caller may merge over a function's defaults (memory, bundling,
 * environment variables added to the function's own, ...). The role and the log group stay the
 * construct's: its grants and retention are made on them.
 */
export type FunctionOverrides = Partial<Omit<NodejsFunctionProps, 'role' | 'logGroup'>>;

/** Properties of {@link FunctionWithLogGroup}. */
export interface FunctionWithLogGroupProps {
  /** Which function it is (`lambda/<name>/index.ts` unless `entry` says otherwise). */
  readonly name: LambdaName;
  /**
   * The handler's entry file, exporting `handler`.
   * @default lambdaEntry(name): `lambda/<name>/index.ts`
   */
  readonly entry?: string;
  /**
   * Overrides merged over the function's props once (plain objects such as `environment` and
   * `bundling` key by key).
   * @default - none
   */
  readonly functionProps?: FunctionOverrides;
  /** Human-readable purpose, shown in the console. */
  readonly description: string;
  /** Memory in MB. */
  readonly memorySize: number;
  /** Function timeout. */
  readonly timeout: Duration;
  /** Environment variables. */
  readonly environment: Record<string, string>;
  /**
   * Reserved concurrency.
   * @default - none: the function draws from the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Retention of the function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Default props of `FunctionWithLogGroup`. */
export const FUNCTION_PROPS_DEFAULTS = {
  ...RESOURCE_DEFAULTS,
} as const satisfies Partial<FunctionWithLogGroupProps>;

/**
 * A `NodejsFunction` with the project's runtime, architecture and bundling, its own log group
 * with explicit retention, and its own role that may only write to that log group.
 *
 * Defaults it applies, and why:
 * - runtime {@link LAMBDA_RUNTIME}, arm64, {@link LAMBDA_BUNDLING} (local esbuild, minified CJS);
 * - a log group created by the stack, so retention is set without a custom resource and the
 *   group is deleted (or retained) with the stack instead of living forever;
 * - a role with an inline `logs:CreateLogStream`/`logs:PutLogEvents` statement on that one log
 *   group instead of the AWS-managed `AWSLambdaBasicExecutionRole` (which allows every log
 *   group in the account). Callers add their own grants to {@link FunctionWithLogGroup.role}.
 *
 * @example
 * ```ts
 * const fn = new FunctionWithLogGroup(this, 'Receiver', {
 *   name: 'receiver', description: 'Receives webhooks', memorySize: 256,
 *   timeout: Duration.seconds(10), environment: { QUEUE_URL: queue.queueUrl },
 * });
 * queue.grantSendMessages(fn.function);
 * ```
 */
export class FunctionWithLogGroup extends Construct {
  /** The function. */
  public readonly function: NodejsFunction;
  /** Its log group. */
  public readonly logGroup: LogGroup;
  /** Its execution role. */
  public readonly role: Role;

  public constructor(scope: Construct, id: string, userProps: FunctionWithLogGroupProps) {
    super(scope, id);
    const props = overrideProps(FUNCTION_PROPS_DEFAULTS, userProps);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.name} function`,
    });
    // Lambda itself writes the function's output with this role; the group already exists, so
    // no logs:CreateLogGroup.
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      ...overrideProps(this.defaultFunctionProps(props), props.functionProps),
      role: this.role,
      // Text platform format on purpose: the JSON format turns on Lambda's own log-level
      // filter (INFO by default), which would silently override POWERTOOLS_LOG_LEVEL=DEBUG.
      logGroup: this.logGroup,
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason:
        'A trace would end at the SQS queue; events are correlated end to end by eventId in logs and EMF metrics instead. Active tracing would also add a Resource:* X-Ray grant.',
    });
  }

  /** The project's runtime, architecture and bundling, and the caller's function settings. */
  private defaultFunctionProps(props: FunctionWithLogGroupProps): NodejsFunctionProps {
    return {
      ...functionCode(props.name, props.entry),
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      bundling: LAMBDA_BUNDLING,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      environment: props.environment,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    };
  }
}
