import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LOCAL_REGION } from './api/constants.ts';

/**
 * A Lambda `Context` for one local invocation, with a deadline `timeoutSeconds` from now, so code
 * that budgets by `getRemainingTimeInMillis()` (Powertools Idempotency's in-progress expiry)
 * behaves as in AWS.
 *
 * @example
 * ```ts
 * const context = createLambdaContext('smartcar-processor', 30);
 * await handler(event, context);
 * ```
 */
export function createLambdaContext(functionName: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const fail = (): never => {
    throw new Error('Callback-style completion is not supported locally; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: fail,
    fail,
    succeed: fail,
  };
}
