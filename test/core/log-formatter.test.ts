import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CompactLogFormatter } from '../../lambda/core/log-formatter.ts';

const TRACE_HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0;Lineage=1:a3c2c7d8:0';

function captureLines(): () => Array<Record<string, unknown>> {
  const chunks: string[] = [];
  const capture = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('CompactLogFormatter', () => {
  it('writes level, message, timestamp, service and the line keys, without sampling rate or trace id', () => {
    // Prepare
    vi.stubEnv('_X_AMZN_TRACE_ID', TRACE_HEADER);
    const lines = captureLines();
    const logger = new Logger({ serviceName: 'svc', logFormatter: new CompactLogFormatter() });

    // Act
    logger.info('webhook', { code: 'enqueued', eventId: 'evt-1' });

    // Assess
    const [line, ...more] = lines();
    expect(more).toEqual([]);
    expect(Object.keys(line!)).toEqual(['level', 'message', 'timestamp', 'service', 'code', 'eventId']);
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'webhook',
      service: 'svc',
      code: 'enqueued',
      eventId: 'evt-1',
    });
    expect(Number.isNaN(Date.parse(String(line!.timestamp)))).toBe(false);
  });

  it('keeps the Lambda request id, and only it, once a context is added', () => {
    // Prepare
    const lines = captureLines();
    const logger = new Logger({ serviceName: 'svc', logFormatter: new CompactLogFormatter() });
    logger.addContext({
      awsRequestId: 'req-1',
      functionName: 'fn',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
      memoryLimitInMB: '512',
    } as unknown as Context);

    // Act
    logger.warn('refused');

    // Assess
    const [line] = lines();
    expect(line).toEqual({
      level: 'WARN',
      message: 'refused',
      timestamp: line!.timestamp,
      service: 'svc',
      function_request_id: 'req-1',
    });
  });
});
