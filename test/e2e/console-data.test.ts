import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPE_DIMENSION, METRIC, SERVICE } from '../../lambda/core/constants.ts';
import type { LocalDeliveryDetail } from '../../local/api/types.ts';
import { createDeliveryLog } from '../../local/console/delivery-log.ts';
import { BUCKET_MS, createMetricSeriesStore } from '../../local/console/metric-series.ts';
import type { LocalRecordOutcome } from '../../local/processor-host/types.ts';
import { createProcessorLineSorter, type EmfDocument } from '../../local/terminal-output.ts';

/** Factory: a delivery the receiver enqueued. */
function delivery(id: string, eventId: string, overrides: Partial<LocalDeliveryDetail> = {}): LocalDeliveryDetail {
  return {
    id,
    at: new Date().toISOString(),
    path: '/webhooks/smartcar',
    statusCode: 200,
    code: 'enqueued',
    eventType: 'VEHICLE_STATE',
    eventId,
    vehicleId: 'veh-1',
    latencyMs: 3,
    processing: 'queued',
    requestHeaders: {},
    requestBody: '{}',
    responseHeaders: {},
    responseBody: '',
    ...overrides,
  };
}

/** Factory: a record outcome. */
function outcome(eventId: string, overrides: Partial<LocalRecordOutcome>): LocalRecordOutcome {
  return {
    messageId: 'm',
    eventId,
    eventType: 'VEHICLE_STATE',
    outcome: 'processed',
    at: new Date().toISOString(),
    attempt: 1,
    ms: 5,
    ...overrides,
  };
}

/** An EMF document exactly as Powertools serializes it. */
function emf(service: string, name: string, value: number, eventType?: string): EmfDocument {
  const metrics = new Metrics({ namespace: 'test', serviceName: service });
  if (eventType) metrics.addDimension(EVENT_TYPE_DIMENSION, eventType);
  metrics.addMetric(name, MetricUnit.Count, value);
  return metrics.serializeMetrics() as unknown as EmfDocument;
}

describe("the console's deliveries log", () => {
  it('follows an event through failed attempts, the DLQ, a redrive and processing, and keeps the last error', () => {
    // Prepare
    const log = createDeliveryLog();
    const error = { name: 'RangeError', message: 'bug' };

    // Act
    log.addDelivery(delivery('r1', 'evt-1'));
    log.addOutcome(outcome('evt-1', { outcome: 'failed', attempt: 1, error }));
    log.addOutcome(outcome('evt-1', { outcome: 'failed', attempt: 2, finalAttempt: true, error }));
    const inDlq = log.event('evt-1');
    log.addOutcome(outcome('evt-1', { outcome: 'processed', attempt: 1, staleSignals: 2 }));
    const done = log.event('evt-1');

    // Assess
    expect(inDlq?.processing).toBe('dlq');
    expect(inDlq?.lastError).toEqual(error);
    expect(done?.steps.map((s) => s.kind)).toEqual(['failed', 'failed', 'dlq', 'redriven', 'processed']);
    expect(done?.steps.at(-1)?.staleSignals).toBe(2);
    expect(done?.attempts).toEqual([
      { at: expect.any(String), error },
      { at: expect.any(String), error },
      { at: expect.any(String) },
    ]);
    expect(log.lastError('evt-1')).toEqual(error);
    expect(log.list()[0]?.processing).toBe('processed');
  });

  it('opens each replay run with one replayed step; a replayed copy that fails to the DLQ and is redriven stays in its run', () => {
    // Prepare
    const log = createDeliveryLog();
    const error = { name: 'RangeError', message: 'bug' };
    log.addDelivery(delivery('r1', 'evt-1'));
    log.addDelivery(delivery('r2', 'evt-2'));
    log.addOutcome(outcome('evt-1', { outcome: 'processed' }));
    log.addOutcome(outcome('evt-2', { outcome: 'processed' }));

    // Act
    log.addOutcome(outcome('evt-1', { outcome: 'processed', replayId: 'run-a' }));
    log.addOutcome(outcome('evt-1', { outcome: 'duplicate', replayId: 'run-a' }));
    log.addOutcome(outcome('evt-1', { outcome: 'failed', replayId: 'run-b', finalAttempt: true, error }));
    log.addOutcome(outcome('evt-1', { outcome: 'processed', replayId: 'run-b' }));

    // Assess
    const steps = log.event('evt-1')?.steps ?? [];
    expect(steps.map((s) => [s.kind, s.replayId])).toEqual([
      ['processed', undefined],
      ['replayed', 'run-a'],
      ['processed', 'run-a'],
      ['duplicate', 'run-a'],
      ['replayed', 'run-b'],
      ['failed', 'run-b'],
      ['dlq', undefined],
      ['redriven', undefined],
      ['processed', 'run-b'],
    ]);
    expect(log.event('evt-1')?.processing).toBe('processed');
    expect(log.list({ status: 'replayed' }).map((d) => [d.eventId, d.replayIds])).toEqual([
      ['evt-1', ['run-a', 'run-b']],
    ]);
    expect(log.list().find((d) => d.eventId === 'evt-2')).not.toHaveProperty('replayIds');
  });

  it('is a bounded ring, newest first, filtered by type, status (state, code or class) and vehicle', () => {
    // Prepare
    const log = createDeliveryLog(3);

    // Act
    log.addDelivery(delivery('r1', 'evt-1'));
    log.addDelivery(delivery('r2', 'evt-2', { statusCode: 401, code: 'signature_invalid', vehicleId: 'veh-2' }));
    log.addDelivery(delivery('r3', 'evt-3', { eventType: 'VEHICLE_ERROR' }));
    log.addDelivery(delivery('r4', 'evt-4'));
    log.addOutcome(outcome('evt-4', { outcome: 'duplicate' }));

    // Assess
    expect(log.list().map((d) => d.id)).toEqual(['r4', 'r3', 'r2']);
    expect(log.delivery('r1')).toBeUndefined();
    expect(log.list({ eventType: 'VEHICLE_ERROR' }).map((d) => d.id)).toEqual(['r3']);
    expect(log.list({ status: '4xx' }).map((d) => d.id)).toEqual(['r2']);
    expect(log.list({ status: '401' }).map((d) => d.id)).toEqual(['r2']);
    expect(log.list({ status: 'not-queued' }).map((d) => d.id)).toEqual(['r2']);
    expect(log.list({ status: 'duplicate' }).map((d) => d.id)).toEqual(['r4']);
    expect(log.list({ vehicle: 'veh-2' }).map((d) => d.id)).toEqual(['r2']);
  });
});

describe("the console's metric series", () => {
  it("reads Powertools EMF documents into the dashboard's graphs, by event type where the dashboard splits them", () => {
    // Prepare
    const store = createMetricSeriesStore();

    // Act
    store.addEmf(emf(SERVICE.PROCESSOR, METRIC.EVENT_PROCESSED, 2, 'VEHICLE_STATE'));
    store.addEmf(emf(SERVICE.PROCESSOR, METRIC.EVENT_PROCESSED, 1, 'VEHICLE_ERROR'));
    store.addEmf(emf(SERVICE.PROCESSOR, METRIC.HANDLER_FAILED, 3));
    store.addEmf(emf(SERVICE.RECEIVER, METRIC.HANDLER_FAILED, 100)); // another service: not the processor's line
    store.addLocal('dlq', 4);
    store.addLocal('dlq', 1);
    const charts = store.charts();
    const line = (title: string, label: string) =>
      charts.widgets
        .find((w) => w.title === title)
        ?.series.find((s) => s.label === label)
        ?.values.at(-1);

    // Assess
    expect(charts.times).toHaveLength(180);
    expect((charts.times.at(-1)! * 1000) % BUCKET_MS).toBe(0);
    expect(line('Events processed by type', `${METRIC.EVENT_PROCESSED} VEHICLE_STATE`)).toBe(2);
    expect(line('Events processed by type', `${METRIC.EVENT_PROCESSED} VEHICLE_ERROR`)).toBe(1);
    expect(line('Processor errors and throttles', `${METRIC.HANDLER_FAILED} Sum`)).toBe(3);
    expect(line('Queue and DLQ depth (on AWS: SQS metrics)', 'dead letters')).toBe(4);
  });
});

describe("the processor's output lines", () => {
  it("routes EMF to the charts, prints errors in full and a handler's INFO line compactly, drops batch summaries", () => {
    // Prepare
    const printed: string[] = [];
    const documents: EmfDocument[] = [];
    const sort = createProcessorLineSorter({
      verbose: false,
      write: (t) => void printed.push(t),
      onEmf: (d) => void documents.push(d),
    });

    // Act
    sort(JSON.stringify(emf(SERVICE.PROCESSOR, METRIC.DUPLICATE_EVENT, 1)));
    sort('{"level":"INFO","message":"Batch done","records":1}');
    sort(
      '{"level":"INFO","message":"Vehicle state stored","eventId":"e","eventType":"VEHICLE_STATE","vehicle":"36ab27d0…","applied":3}',
    );
    sort(
      '{"level":"ERROR","message":"Event processing failed","error":{"name":"RangeError","stack":"RangeError: bug\\n    at x"}}',
    );
    sort('plain console.log');

    // Assess
    expect(documents).toHaveLength(1);
    expect(printed[0]).toBe('    ↳ INFO Vehicle state stored {"applied":3}\n');
    expect(printed[1]).toContain('"stack": "RangeError: bug\\n    at x"');
    expect(printed[2]).toBe('plain console.log\n');
    expect(printed).toHaveLength(3);
  });

  it('prints every entry and EMF line in full when verbose', () => {
    // Prepare
    const printed: string[] = [];
    const sort = createProcessorLineSorter({
      verbose: true,
      write: (t) => void printed.push(t),
      onEmf: () => undefined,
    });
    const emfLine = JSON.stringify(emf(SERVICE.PROCESSOR, METRIC.DUPLICATE_EVENT, 1));

    // Act
    sort(emfLine);
    sort('{"level":"INFO","message":"Batch done","records":1}');

    // Assess
    expect(printed[0]).toBe(`${emfLine}\n`);
    expect(JSON.parse(printed[1]!)).toEqual({ level: 'INFO', message: 'Batch done', records: 1 });
    expect(printed[1]).toContain('\n  "message": "Batch done"');
  });
});
