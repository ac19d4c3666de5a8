import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalPipeline } from '../../local/types.ts';
import { post, stateDelivery } from './support.ts';

/** A handlers module whose VEHICLE_STATE handler logs `marker` (one INFO line, through the handler's logger). */
function handlers(marker: string): string {
  return `export const defaultHandlers = {\n  VEHICLE_STATE: async (event, { logger }) => logger.info('${marker}'),\n};\n`;
}

describe('hot reload of the processor (worker thread replaced, emulators untouched)', () => {
  let dir: string;
  let file: string;
  let pipeline: LocalPipeline;
  let output = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hot-reload-'));
    file = join(dir, 'handlers.ts');
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    await writeFile(file, handlers('version one'));
    pipeline = await startPipeline({
      port: 0,
      logLevel: 'INFO',
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      hotReload: true,
      handlersModule: file,
      output: (text) => {
        output += text;
      },
    });
  }, 30_000);

  afterAll(async () => {
    await pipeline?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Resolves once `pattern` appears in the output printed after `from`. */
  async function printed(pattern: RegExp, from: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output.slice(from))) {
      if (Date.now() > deadline) throw new Error(`No ${pattern} in:\n${output.slice(from)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('reloads a changed handler in place, keeps queued messages, and keeps the old code when the new one fails to load', async () => {
    // Prepare: an event waits in the queue while the poller is stopped
    await pipeline.poller.stop();
    const waiting = stateDelivery(pipeline.amt);
    await post(pipeline.webhookUrl, waiting);
    await pipeline.waitFor((s) => s.queued === 1);

    // Act 1: change the handler; the queued event is handled by the new code
    let from = output.length;
    await writeFile(file, handlers('version two'));
    await printed(/handlers\.ts changed: processor reloaded in \d+ ms \(generation 2/, from);
    pipeline.poller.start();
    await pipeline.waitFor((s) => s.processedTotal === 1 && s.queued === 0);
    await printed(/↳ INFO version two/, from);

    // Act 2: a syntax error: reported, and the previous code keeps running
    from = output.length;
    await writeFile(file, 'export const defaultHandlers = { VEHICLE_STATE: async (event => };\n');
    await printed(/failed to load; the previous code keeps running/, from);
    const afterFailure = pipeline.processorState();
    await post(pipeline.webhookUrl, stateDelivery(pipeline.amt));
    await pipeline.waitFor((s) => s.processedTotal === 2);
    await printed(/↳ INFO version two/, from);

    // Assess
    expect(output).not.toMatch(/version one[\s\S]*version two[\s\S]*version one/);
    expect(afterFailure.generation).toBe(2);
    expect(afterFailure.lastReloadError?.file).toContain('handlers.ts');
    expect(afterFailure.lastReloadError?.message).toMatch(/handlers\.ts/);
    expect(output.slice(from)).toMatch(/SyntaxError|Transform failed|Unexpected/);
  }, 60_000);
});
