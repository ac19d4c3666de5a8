import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_RUNTIME, projectRoot } from '../../lib/bundling.ts';
import { type LambdaFunctionSpec, linkAwsSdkRuntimeModules, startLambdaSandbox } from '../helpers/lambda-sandbox.ts';
import { lambdaNodeFor } from './lambda-node.ts';

/**
 * The sandbox the rehearsal runs bundles in must fail where Lambda fails: a dependency left out
 * of the bundle, a handler that is not exported, a handler past its timeout.
 */

const NODE = lambdaNodeFor(LAMBDA_RUNTIME.name);

describe(`Lambda sandbox (${NODE.description})`, () => {
  let dir: string;
  let runtimeModules: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lambda-sandbox-test-'));
    runtimeModules = linkAwsSdkRuntimeModules(join(projectRoot(), 'node_modules'), join(dir, 'runtime')).dir;
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** An asset directory holding `index.js` with `source`. */
  function asset(name: string, source: string, timeoutSeconds = 3): LambdaFunctionSpec {
    const taskRoot = join(dir, name);
    rmSync(taskRoot, { recursive: true, force: true });
    mkdirSync(taskRoot, { recursive: true });
    writeFileSync(join(taskRoot, 'index.js'), source);
    return {
      functionName: name,
      taskRoot,
      handler: 'index.handler',
      runtime: LAMBDA_RUNTIME.name,
      timeoutSeconds,
      memorySize: 128,
      environment: { STAGE: 'test' },
    };
  }

  const options = () => ({ nodeBinary: NODE.path, runtimeModules, region: 'us-east-1', endpoints: {} });

  it('resolves @aws-sdk/* from the runtime modules and gives the handler a Lambda context and environment', async () => {
    // Prepare
    const spec = asset(
      'sdk',
      `const { SQSClient } = require('@aws-sdk/client-sqs');
       exports.handler = async (event, context) => ({ echo: event.n, sdk: typeof SQSClient, name: context.functionName,
         remaining: context.getRemainingTimeInMillis(), memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
         stage: process.env.STAGE, leaked: process.env.VITEST ?? null });`,
    );
    const sandbox = await startLambdaSandbox(spec, options());

    // Act
    const invocation = await sandbox.invoke<Record<string, unknown>>({ n: 7 });
    await sandbox.close();

    // Assess
    expect(invocation.error).toBeUndefined();
    expect(invocation.result).toMatchObject({
      echo: 7,
      sdk: 'function',
      name: 'sdk',
      memory: '128',
      stage: 'test',
      leaked: null,
    });
    expect(invocation.result?.remaining).toBeGreaterThan(0);
    expect(invocation.result?.remaining).toBeLessThanOrEqual(3_000);
    expect(sandbox.nodeVersion).toBe(NODE.version);
  });

  it('fails init when the bundle requires a package it did not bundle (not the AWS SDK)', async () => {
    // Prepare
    const spec = asset('missing', `require('@aws-lambda-powertools/logger'); exports.handler = async () => 1;`);

    // Act
    const started = startLambdaSandbox(spec, options());

    // Assess
    await expect(started).rejects.toThrow(/init failed: .*Cannot find module '@aws-lambda-powertools\/logger'/);
  });

  it('fails init when the handler is not exported', async () => {
    // Prepare
    const spec = asset('unexported', `exports.main = async () => 1;`);

    // Act
    const started = startLambdaSandbox(spec, options());

    // Assess
    await expect(started).rejects.toThrow(/Runtime\.HandlerNotFound/);
  });

  it('reports Sandbox.Timedout for a handler still running at the function timeout', async () => {
    // Prepare
    const spec = asset('slow', `exports.handler = () => new Promise(() => setInterval(() => {}, 1000));`, 1);
    const sandbox = await startLambdaSandbox(spec, options());

    // Act
    const invocation = await sandbox.invoke({});
    await sandbox.close();

    // Assess
    expect(invocation.error?.errorType).toBe('Sandbox.Timedout');
    expect(invocation.durationMs).toBeGreaterThanOrEqual(1_000);
  });
});
