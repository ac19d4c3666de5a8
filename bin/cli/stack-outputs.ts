import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { STACK_OUTPUTS, type StackOutputKey } from '../../lib/stack-outputs.ts';
import { UsageError } from './errors.ts';

/**
 * Reads the named outputs of a deployed stack (`DescribeStacks`), failing with a clear message
 * when the stack or one of the outputs is missing. `stack` is a stack name, or
 * `<stack>/<pipeline>` for one of several `SmartcarWebhookReceiver`s in a stack: each emits the
 * outputs prefixed with its id (`FleetQueueUrl`), and a stack with one pipeline needs no
 * `/<pipeline>` (`SmartcarWebhookStack`'s are bare: `QueueUrl`).
 *
 * @example
 * ```ts
 * const { QueueUrl, DeadLetterQueueUrl } = await readStackOutputs(cfn, 'FleetWebhooks/Fleet', [
 *   STACK_OUTPUTS.QUEUE_URL,
 *   STACK_OUTPUTS.DEAD_LETTER_QUEUE_URL,
 * ]);
 * ```
 */
export async function readStackOutputs<K extends StackOutputKey>(
  client: CloudFormationClient,
  stack: string,
  keys: readonly K[],
): Promise<Record<K, string>> {
  const [stackName = stack, pipeline] = stack.split('/');
  const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  const found = Stacks[0];
  if (!found) throw new UsageError(`Stack ${stackName} not found`);
  const outputs = new Map((found.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue]));
  const prefix = pipeline ?? onlyPipeline(stackName, [...outputs.keys()]);
  const values = {} as Record<K, string>;
  for (const key of keys) {
    const value = outputs.get(`${prefix}${key}`);
    if (!value) {
      throw new UsageError(`Stack ${stackName} has no output ${prefix}${key}; is it this project's stack?`);
    }
    values[key] = value;
  }
  return values;
}

/**
 * The output prefix of a stack's one pipeline: every pipeline emits `<prefix>WebhookUrl` (no
 * other output key ends so). Empty when there is none (the missing output is reported by name).
 *
 * @throws UsageError when the stack holds several pipelines and none was named.
 */
function onlyPipeline(stackName: string, keys: readonly string[]): string {
  const prefixes = keys
    .filter((key) => key.endsWith(STACK_OUTPUTS.WEBHOOK_URL))
    .map((key) => key.slice(0, -STACK_OUTPUTS.WEBHOOK_URL.length));
  if (prefixes.length > 1) {
    throw new UsageError(
      `Stack ${stackName} holds ${prefixes.length} pipelines (${prefixes.join(', ')}): name one, e.g. --stack ${stackName}/${prefixes[0]}`,
    );
  }
  return prefixes[0] ?? '';
}

export { STACK_OUTPUTS };
