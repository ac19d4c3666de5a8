import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVehicleState, signedHeaders } from '../../bin/cli/sample-events.ts';
import { parseArchiveLine } from '../../lambda/core/archive-record.ts';
import { projectRoot } from '../../lib/bundling.ts';
import { STACK_OUTPUTS } from '../../lib/stack-outputs.ts';
import { TEST_AMT } from '../fixtures/smartcar-vectors.ts';
import type { CfnTemplate } from '../helpers/cdk-synth.ts';
import { linesOfRecords } from '../helpers/firehose-stub.ts';
import { refusedCalls } from '../rehearsal/iam-coverage.ts';
import { type RehearsalStage, startRehearsalStage } from '../rehearsal/stage.ts';

/**
 * The npm package as a consumer gets it: `npm pack` (its `prepack` builds `dist/`), the tarball
 * installed into a fresh CDK app (`test/fixtures/consumer-app/`: plain JavaScript, its own
 * handler file, the package's public entry points only), type-checked against the shipped
 * `.d.ts`, `cdk synth` through the nag packs, and its bundled processor run under the deployment
 * rehearsal. Nothing of the repository is on the consumer's module path: npm installs the
 * tarball's files and dependencies into the app's own `node_modules`.
 */

const ROOT = projectRoot();
const FIXTURE = join(ROOT, 'test', 'fixtures', 'consumer-app');
const CONSUMER_STACK = 'ConsumerWebhooks';
const CONSUMER_LOG_LINE = 'consumer-app: vehicle state handled';
/** The construct's id in app.mjs: its outputs are keyed `Webhooks<key>`. */
const PIPELINE = 'Webhooks';

const repoPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  devDependencies: Record<string, string>;
};

/** Runs a command to completion; throws with its output when it fails. */
function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const { CDK_VALIDATION: _ignored, ...env } = process.env;
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: '1' },
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

let workDir: string;
let appDir: string;
let tarball: string;
let template: CfnTemplate;
let synthOutput: string;
let stage: RehearsalStage;

beforeAll(async () => {
  // Prepare: the tarball, as `npm publish` would upload it.
  workDir = mkdtempSync(join(tmpdir(), 'package-consumer-'));
  const packed = run('npm', ['pack', '--silent', '--pack-destination', workDir], ROOT).stdout.trim().split('\n');
  tarball = join(workDir, packed.at(-1) ?? '');
  // A fresh app: the fixture's files and a package.json naming the tarball, at the versions the repository tests.
  appDir = join(workDir, 'app');
  cpSync(FIXTURE, appDir, { recursive: true });
  const pin = (name: string): [string, string] => [name, repoPackage.devDependencies[name] ?? 'latest'];
  writeFileSync(
    join(appDir, 'package.json'),
    JSON.stringify({
      name: 'consumer-app',
      private: true,
      type: 'module',
      dependencies: {
        [repoPackage.name]: `file:${tarball}`,
        ...Object.fromEntries(['aws-cdk-lib', 'constructs', 'cdk-nag'].map(pin)),
      },
      devDependencies: Object.fromEntries(['esbuild', '@types/node'].map(pin)),
    }),
  );
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], appDir);
  // The cloud assembly outside the app, so a bundle cannot find the app's node_modules above it.
  const outDir = join(workDir, 'cdk.out');
  mkdirSync(outDir);
  const synth = run(
    process.execPath,
    [join(ROOT, 'node_modules/aws-cdk/bin/cdk'), 'synth', '-q', '--no-notices', '-o', outDir, '--app', 'node app.mjs'],
    appDir,
  );
  synthOutput = `${synth.stdout}${synth.stderr}`;
  template = JSON.parse(readFileSync(join(outDir, `${CONSUMER_STACK}.template.json`), 'utf8')) as CfnTemplate;
  stage = await startRehearsalStage({ amt: TEST_AMT, assembly: { template, outDir, stackName: CONSUMER_STACK } });
}, 420_000);

afterAll(async () => {
  await stage?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function signedState(vehicleId: string): { body: string; headers: Record<string, string>; eventId: string } {
  const payload = buildVehicleState({ vehicleId });
  const body = JSON.stringify(payload);
  return { body, headers: signedHeaders(body, TEST_AMT), eventId: String(payload.eventId) };
}

describe('the npm package, installed into a fresh CDK app', () => {
  it('packs only what a consumer needs: the built library, the prebuilt functions, the command', () => {
    // Act
    const files = run('tar', ['-tzf', tarball], workDir)
      .stdout.trim()
      .split('\n')
      .map((file) => file.replace(/^package\//, ''));

    // Assess
    expect(files).toEqual(expect.arrayContaining(['package.json', 'CHANGELOG.md', 'dist/lib/index.js']));
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/lib/index.d.ts',
        'dist/lambda/processor/public.js',
        'dist/lambda/processor/public.d.ts',
        'dist/assets/receiver/index.js',
        'dist/assets/processor/index.js',
        'dist/bin/smartcar-webhooks.js',
      ]),
    );
    const outside = files.filter((file) => !/^(dist\/|package\.json$|README\.md$|CHANGELOG\.md$|LICENSE)/.test(file));
    expect(outside).toEqual([]);
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((file) => /^dist\/(local|bench|test)\//.test(file))).toEqual([]);
  });

  it("type-checks the consumer's app and handler against the shipped declarations", () => {
    // Act
    const check = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', appDir], {
      encoding: 'utf8',
    });

    // Assess
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.status).toBe(0);
  });

  it("synthesizes through cdk-nag, bundling the consumer's handler and the package's prebuilt receiver", () => {
    // Prepare
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');

    // Act
    const handlers = functions.map((fn) => fn.Properties?.Handler);

    // Assess: the nag packs ran as validation plugins and found nothing
    expect(synthOutput).not.toMatch(/Validation failed|AwsSolutions-|Serverless-/);
    expect(handlers).toEqual(['index.handler', 'index.handler']);
    expect(stage.processor.initLogs.stderr).toEqual([]);
    expect(stage.receiver.initLogs.stderr).toEqual([]);
  });

  it("deploys the package's prebuilt functions as they are in its ready-made stack", () => {
    // Prepare
    const stackTemplate = JSON.parse(
      readFileSync(join(workDir, 'cdk.out', 'SmartcarWebhooks-dev.template.json'), 'utf8'),
    ) as CfnTemplate;

    // Act
    const functions = Object.values(stackTemplate.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const bundles = functions.map((fn) =>
      readFileSync(join(workDir, 'cdk.out', String(fn.Metadata?.['aws:asset:path']), 'index.js'), 'utf8'),
    );

    // Assess: byte for byte the tarball's dist/assets (the example processor's, the receiver's)
    const shipped = ['processor', 'receiver'].map((name) =>
      readFileSync(join(appDir, 'node_modules', repoPackage.name, 'dist', 'assets', name, 'index.js'), 'utf8'),
    );
    expect(functions.map((fn) => fn.Properties?.Handler)).toEqual(['index.handler', 'index.handler']);
    expect([...bundles].sort()).toEqual([...shipped].sort());
    expect(Object.keys((stackTemplate.Outputs ?? {}) as Record<string, unknown>)).toContain(STACK_OUTPUTS.QUEUE_URL);
  });

  it('emits the outputs the CLIs read, keyed by the construct id', () => {
    // Act
    const outputs = Object.keys((template.Outputs ?? {}) as Record<string, unknown>);

    // Assess
    expect(outputs).toEqual(
      expect.arrayContaining(
        [
          STACK_OUTPUTS.WEBHOOK_URL,
          STACK_OUTPUTS.QUEUE_URL,
          STACK_OUTPUTS.DEAD_LETTER_QUEUE_URL,
          STACK_OUTPUTS.ARCHIVE_BUCKET_NAME,
          STACK_OUTPUTS.IDEMPOTENCY_TABLE_NAME,
          STACK_OUTPUTS.PROCESSOR_LOG_GROUP_NAME,
        ].map((key) => `${PIPELINE}${key}`),
      ),
    );
  });

  it("dispatches the package's command to the CLIs", () => {
    // Act
    const help = spawnSync(join(appDir, 'node_modules', '.bin', 'smartcar-webhooks'), ['dlq', '--help'], {
      cwd: appDir,
      encoding: 'utf8',
    });
    const unknown = spawnSync(join(appDir, 'node_modules', '.bin', 'smartcar-webhooks'), ['deploy'], {
      cwd: appDir,
      encoding: 'utf8',
    });

    // Assess
    expect(help.stdout).toContain('--stack NAME');
    expect(help.status).toBe(0);
    expect(unknown.stderr).toContain('Unknown command: deploy');
    expect(unknown.status).toBe(2);
  });

  it("runs the consumer's handler on the bundled processor: archived first, a duplicate skipped", async () => {
    // Prepare: one signed delivery, then the same again (a Smartcar retry carries the same eventId)
    const delivery = signedState('veh-consumer-1');
    const streamName = stage.deployment.resolver.resolve<string>(
      stage.deployment.functions.processor.rawEnvironment.ARCHIVE_STREAM_NAME,
    );
    const stateTableArn = stage.deployment.resolver.getAtt(
      stage.deployment.logicalIdOf('AWS::DynamoDB::Table', '/VehicleStateTable/'),
      'Arn',
    );

    // Act
    const first = await stage.deliver(delivery);
    const [firstBatch] = await stage.pollQueue();
    const again = await stage.deliver(delivery);
    const [secondBatch] = await stage.pollQueue();

    // Assess: both deliveries accepted and both batches settled
    expect([first.result?.statusCode, again.result?.statusCode]).toEqual([200, 200]);
    expect([firstBatch?.result, secondBatch?.result]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    // The consumer's handler ran once, for the first copy only
    const handled = (lines: readonly string[] = []) => lines.filter((line) => line.includes(CONSUMER_LOG_LINE));
    expect(handled(firstBatch?.stdout)).toEqual([expect.stringMatching(/"stateOfCharge":\d/)]);
    expect(handled(secondBatch?.stdout)).toEqual([]);
    // Each copy archived byte for byte, the first before the handler's first write
    const archived = linesOfRecords(stage.firehose.records.get(streamName) ?? []).map((line) => parseArchiveLine(line));
    expect(archived.filter((line) => line.eventId === delivery.eventId).map((line) => line.body)).toEqual([
      delivery.body,
      delivery.body,
    ]);
    const processorCalls = stage.calls.filter((call) => call.function === 'processor' && !call.via);
    const firstArchive = processorCalls.findIndex((call) => call.action === 'firehose:PutRecordBatch');
    const firstStateWrite = processorCalls.findIndex((call) => call.resource === stateTableArn);
    expect(firstArchive).toBeGreaterThanOrEqual(0);
    expect(firstStateWrite).toBeGreaterThan(firstArchive);
    // And no call its role does not allow
    expect(refusedCalls(stage.deployment, stage.calls)).toEqual([]);
  });
});
