import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { STACK_OUTPUTS, type StackOutputKey } from '../../lambda/core/stack-outputs.ts';
import { UsageError } from './errors.ts';

/**
 * Reads the named outputs of a deployed stack (`DescribeStacks`), failing with a clear message
 * when the stack or one of the outputs is missing.
 *
 * @example
 * ```ts
 * const { QueueUrl, DeadLetterQueueUrl } = await readStackOutputs(cfn, 'SmartcarWebhooks-dev', [
 *   STACK_OUTPUTS.QUEUE_URL,
 *   STACK_OUTPUTS.DEAD_LETTER_QUEUE_URL,
 * ]);
 * ```
 */
export async function readStackOutputs<K extends StackOutputKey>(
  client: CloudFormationClient,
  stackName: string,
  keys: readonly K[],
): Promise<Record<K, string>> {
  const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = Stacks[0];
  if (!stack) throw new UsageError(`Stack ${stackName} not found`);
  const outputs = new Map((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const found = {} as Record<K, string>;
  for (const key of keys) {
    const value = outputs.get(key);
    if (!value) throw new UsageError(`Stack ${stackName} has no output ${key}; is it this project's stack?`);
    found[key] = value;
  }
  return found;
}

export { STACK_OUTPUTS };
