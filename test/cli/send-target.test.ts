import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../bin/cli/errors.ts';
import { resolveSendUrl } from '../../bin/cli/send-target.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { runTs } from '../e2e/support.ts';
import { listenOnLoopback } from '../helpers/loopback.ts';

describe('where npm run send posts', () => {
  it.each([
    [{ errorRoute: false, env: {} }, 'http://127.0.0.1:3000/webhooks/smartcar'],
    [{ errorRoute: false, env: { PORT: '8080' } }, 'http://127.0.0.1:8080/webhooks/smartcar'],
    [{ errorRoute: true, env: { PORT: '8080' } }, 'http://127.0.0.1:8080/webhooks/smartcar/errors'],
    [{ url: 'http://127.0.0.1:9000', errorRoute: false }, 'http://127.0.0.1:9000/webhooks/smartcar'],
    [{ url: 'http://127.0.0.1:9000/', errorRoute: true }, 'http://127.0.0.1:9000/webhooks/smartcar/errors'],
    [
      { url: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/webhooks/smartcar', errorRoute: true },
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/webhooks/smartcar/errors',
    ],
    [
      { url: 'https://x.lambda-url.eu-west-1.on.aws/webhooks/smartcar/errors', errorRoute: true },
      'https://x.lambda-url.eu-west-1.on.aws/webhooks/smartcar/errors',
    ],
    [{ url: 'https://hooks.example.com/custom', errorRoute: false }, 'https://hooks.example.com/custom'],
  ])('%j -> %s', async (options, expected) => {
    // Act
    const url = await resolveSendUrl(options);

    // Assess
    expect(url).toBe(expected);
  });

  it.each([
    [
      { url: 'https://hooks.example.com/custom', errorRoute: true },
      '--error-route cannot tell the error path of https://hooks.example.com/custom',
    ],
    [{ url: '127.0.0.1:3000', errorRoute: false }, '--url must be an http:// or https:// URL, got "127.0.0.1:3000"'],
    [{ url: 'http://a', stack: 'S', errorRoute: false }, 'Pass either --url or --stack, not both'],
    [{ errorRoute: false, env: { PORT: 'eighty' } }, 'PORT must be an integer, got "eighty"'],
    [{ errorRoute: false, env: { PORT: '0' } }, 'PORT must be at least 1'],
  ])('refuses %j', async (options, message) => {
    // Act
    const error = await resolveSendUrl(options).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(message);
  });
});

describe('npm run send: clear errors and --print', () => {
  const dir = mkdtempSync(join(tmpdir(), 'send-target-'));
  const noAmt = { SMARTCAR_AMT: '', SMARTCAR_LOCAL_AMT_FILE: join(dir, 'missing-amt') };
  let recorder: Server;
  let recorderUrl: string;
  const paths: string[] = [];
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    recorder = createServer((request: IncomingMessage, response) => {
      paths.push(request.url ?? '');
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    recorderUrl = `http://127.0.0.1:${await listenOnLoopback(recorder)}`;
    pipeline = await startPipeline({ port: 0, quiet: true, logLevel: 'SILENT', waitTimeSeconds: 1 });
  });

  afterAll(async () => {
    recorder?.closeAllConnections();
    await new Promise((resolve) => recorder?.close(resolve));
    await pipeline?.stop();
  });

  it('posts --error-route with a data-route --url to the error path', async () => {
    // Prepare
    paths.length = 0;

    // Act
    const run = await runTs('bin/send.ts', [
      'error',
      '--error-route',
      '--url',
      `${recorderUrl}/webhooks/smartcar`,
      '--amt',
      'x',
    ]);

    // Assess
    expect(run.code).toBe(0);
    expect(paths).toEqual(['/webhooks/smartcar/errors']);
  });

  it('refuses --error-route with a --url whose error path it cannot tell, sending nothing', async () => {
    // Prepare
    paths.length = 0;

    // Act
    const run = await runTs('bin/send.ts', ['error', '--error-route', '--url', `${recorderUrl}/hooks`, '--amt', 'x']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--error-route cannot tell the error path of ${recorderUrl}/hooks`);
    expect(paths).toEqual([]);
  });

  it('says once that the local pipeline is not running at the address when the connection is refused', async () => {
    // Prepare: a port nothing listens on
    const closed = createServer();
    const port = await listenOnLoopback(closed);
    await new Promise((resolve) => closed.close(resolve));

    // Act
    const run = await runTs('bin/send.ts', ['state', '--count', '3', '--amt', 'x'], { env: { PORT: String(port) } });

    // Assess
    expect(run.code).toBe(1);
    const message = `connection refused: the local pipeline is not running at http://127.0.0.1:${port} (start it with npm start; PORT or --url pick another address)`;
    expect(run.stdout.split(message)).toHaveLength(2);
    expect(run.stdout).toContain('3 unexpected answer(s)');
  });

  it('exits 2 for a --file that does not exist, before looking for an AMT', async () => {
    // Act
    const run = await runTs('bin/send.ts', ['--file', join(dir, 'nope.json')], { env: noAmt });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--file ${join(dir, 'nope.json')}: no such file`);
  });

  it('--print writes the payload without an AMT; the file sent with --file is accepted and processed', async () => {
    // Act
    const printed = await runTs('bin/send.ts', ['state', '--print', '--vehicle', 'veh-print', '--soc', '42'], {
      env: noAmt,
    });
    const file = join(dir, 'payload.json');
    writeFileSync(file, printed.stdout);
    const before = await pipeline.refreshStats();
    const sent = await runTs('bin/send.ts', ['--file', file, '--url', pipeline.url, '--amt', pipeline.amt]);
    const after = await pipeline.waitFor((s) => s.processedTotal > before.processedTotal);

    // Assess
    expect(printed.code).toBe(0);
    const payload = JSON.parse(printed.stdout) as { eventType: string; vehicleId: string; eventId: string };
    expect(payload).toMatchObject({ eventType: 'VEHICLE_STATE', vehicleId: 'veh-print' });
    expect(printed.stdout).toContain('\n  "eventType": "VEHICLE_STATE"');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(new RegExp(`ok\\s+200 VEHICLE_STATE eventId=${payload.eventId}`));
    expect(after.processed.VEHICLE_STATE).toBe((before.processed.VEHICLE_STATE ?? 0) + 1);
  });

  it('refuses --print with --file (nothing to build)', async () => {
    // Act
    const run = await runTs('bin/send.ts', ['--print', '--file', 'x.json']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--print writes a built payload; with --file there is nothing to build');
  });
});
