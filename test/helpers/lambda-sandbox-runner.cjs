'use strict';
/**
 * The child side of `lambda-sandbox.ts`: a stand-in for the Lambda Node.js runtime's bootstrap,
 * in plain CommonJS so nothing but Node itself runs before the function's code.
 *
 * Like the runtime it loads `$LAMBDA_TASK_ROOT/<module>` from the `_HANDLER` string
 * (`index.handler`: an extensionless file, else `<module>.js` through `require` unless a
 * package.json says `"type": "module"`), takes the named export, and then answers one
 * invocation at a time. Invocations arrive over the IPC channel as
 * `{ type: 'invoke', id, event }` and are answered as `{ type: 'result', id, result | error }`.
 * A handler still running at the function timeout is answered as `Sandbox.Timedout` and the
 * process exits, as Lambda discards such a sandbox. Every invocation ends with an
 * `END RequestId: <id>` line on stdout and on stderr, so the parent can tell whose logs it read.
 *
 * argv[2]: JSON `{ "timeoutSeconds": number }` (the template's `Timeout`).
 */
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { randomUUID } = require('node:crypto');

const { timeoutSeconds } = JSON.parse(process.argv[2] ?? '{}');
const handlerString = process.env._HANDLER ?? '';
const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();

function send(message) {
  return new Promise((done) => process.send(message, () => done()));
}

function serializeError(error, errorType) {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    errorType: errorType ?? err.name ?? 'Error',
    errorMessage: err.message,
    trace: String(err.stack ?? '').split('\n'),
  };
}

function declaresModuleType(start) {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).type === 'module';
    if (dirname(dir) === dir) return false;
  }
}

function loadHandler() {
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw Object.assign(new Error(`Bad handler ${handlerString}`), { name: 'Runtime.MalformedHandlerName' });
  const [, moduleName, handlerPath] = match;
  const base = resolve(taskRoot, moduleName);
  let loaded;
  if (existsSync(base)) loaded = require(base);
  else if (existsSync(`${base}.js`) && !declaresModuleType(dirname(base))) loaded = require(`${base}.js`);
  else throw Object.assign(new Error(`Cannot load ${base}.js as CommonJS`), { name: 'Runtime.ImportModuleError' });
  const handler = handlerPath.split('.').reduce((value, key) => (value == null ? undefined : value[key]), loaded);
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${handlerString} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return handler;
}

function contextFor(requestId, deadline) {
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
  const region = process.env.AWS_REGION;
  const unsupported = () => {
    throw new Error('Callback-style completion is not supported by the sandbox; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

function endLogs(requestId) {
  const line = `END RequestId: ${requestId}\n`;
  return Promise.all([
    new Promise((done) => process.stdout.write(line, () => done())),
    new Promise((done) => process.stderr.write(line, () => done())),
  ]);
}

async function main() {
  const initStarted = performance.now();
  let handler;
  try {
    handler = loadHandler();
  } catch (error) {
    await send({ type: 'init-error', error: serializeError(error, error?.name) });
    process.exit(1);
  }
  await send({ type: 'ready', initMs: performance.now() - initStarted, nodeVersion: process.version });

  let busy = false;
  process.on('message', async (message) => {
    if (message?.type !== 'invoke') return;
    if (busy) throw new Error('One invocation at a time per sandbox');
    busy = true;
    const requestId = message.id ?? randomUUID();
    const started = performance.now();
    const deadline = Date.now() + timeoutSeconds * 1000;
    let timer;
    const timedOut = new Promise((done) => {
      timer = setTimeout(() => done({ timedOut: true }), timeoutSeconds * 1000);
    });
    let outcome;
    try {
      outcome = await Promise.race([
        Promise.resolve(handler(message.event, contextFor(requestId, deadline))).then((result) => ({ result })),
        timedOut,
      ]);
    } catch (error) {
      outcome = { error: serializeError(error) };
    }
    clearTimeout(timer);
    const durationMs = performance.now() - started;
    await endLogs(requestId);
    if (outcome.timedOut) {
      const error = { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${timeoutSeconds} seconds` };
      await send({ type: 'result', id: requestId, error, durationMs });
      process.exit(0);
    }
    await send({ type: 'result', id: requestId, durationMs, ...outcome });
    busy = false;
  });
}

main();
