import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPE_DIMENSION, METRIC, SERVICE } from '../../lambda/core/constants.ts';
import { EVENT_TYPES } from '../../lambda/core/event-types.ts';
import { InvalidPropsError } from '../../lib/errors.ts';
import { MAX_EVENT_TYPES } from '../../lib/event-types-prop.ts';
import { SmartcarWebhookReceiver } from '../../lib/smartcar-webhook-receiver.ts';
import { SmartcarWebhookStack } from '../../lib/smartcar-webhook-stack.ts';
import { buildCustomApp } from '../fixtures/custom-app/app.ts';
import { FLEET_EVENT_TYPE } from '../fixtures/custom-app/event-types.ts';
import { dashboardWidgets, fastApp, resourceByPrefix } from './helpers.ts';

/**
 * `eventTypes`: the custom app's own event type on its dashboards and in its VEHICLE_ERROR share
 * alarms, and the prop checked before anything is built.
 */

type MetricDataQuery = {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } };
};

const BY_TYPE_GRAPHS = ['Deliveries received by type', 'Events processed by type'] as const;

/** The `eventType` values drawn in the graph titled `title` of the dashboard starting with `prefix`. */
function graphedEventTypes(template: Template, prefix: string, title: string): unknown[] {
  const graph = dashboardWidgets(template, prefix).find((w) => w.properties.title === title);
  return ((graph?.properties.metrics ?? []) as unknown[][]).map((line) => line[line.indexOf(EVENT_TYPE_DIMENSION) + 1]);
}

function shareQueries(template: Template, prefix: string): MetricDataQuery[] {
  const { properties } = resourceByPrefix(template, 'AWS::CloudWatch::Alarm', `${prefix}MonitoringVehicleErrorShare`);
  return properties.Metrics as MetricDataQuery[];
}

/** The share alarm's expression on one period's sums by metric id, with CloudWatch's IF and FILL. */
function evaluateShare(queries: MetricDataQuery[], sums: Record<string, number | undefined>): number {
  const ids = queries.filter((q) => q.MetricStat).map((q) => q.Id);
  const expression = queries.find((q) => q.ReturnData)?.Expression ?? '';
  const evaluate = new Function('IF', 'FILL', ...ids, `return ${expression};`) as (...args: unknown[]) => number;
  return evaluate(
    (condition: boolean, whenTrue: number, whenFalse: number) => (condition ? whenTrue : whenFalse),
    (value: number | undefined, fill: number) => value ?? fill,
    ...ids.map((id) => sums[id]),
  );
}

function receiverWith(eventTypes: readonly string[]): () => SmartcarWebhookReceiver {
  return () => new SmartcarWebhookReceiver(new Stack(fastApp(), 'S'), 'Fleet', { eventTypes });
}

describe('the custom app with its own event type in eventTypes', () => {
  const template = Template.fromStack(buildCustomApp(fastApp()).stack);

  describe.each(['Fleet', 'Audit'])('%s', (prefix) => {
    it.each(BY_TYPE_GRAPHS)('draws one series per event type, its own last, in "%s"', (title) => {
      // Act
      const drawn = graphedEventTypes(template, `${prefix}Dashboard`, title);

      // Assess
      expect(drawn).toEqual([...EVENT_TYPES, FLEET_EVENT_TYPE]);
    });

    it("adds its own type's deliveries to the VEHICLE_ERROR share's denominator", () => {
      // Prepare
      const queries = shareQueries(template, prefix);

      // Act
      const own = queries.find((q) => q.Id === 'type_example_event');
      // 20 errors in 100 events only when the 40 of its own type count: 20 / (40 + 20 + 40).
      const share = evaluateShare(queries, { state: 40, errors: 20, type_example_event: 40 });

      // Assess
      expect(own?.MetricStat?.Metric).toEqual({
        Namespace: expect.any(String),
        MetricName: METRIC.EVENT_RECEIVED,
        Dimensions: [
          { Name: EVENT_TYPE_DIMENSION, Value: FLEET_EVENT_TYPE },
          { Name: 'service', Value: SERVICE.RECEIVER },
        ],
      });
      expect(share).toBeCloseTo(0.2, 10);
    });
  });
});

describe('eventTypes on the stack', () => {
  it('reaches the dashboard and the share alarm of the pipeline it builds', () => {
    // Prepare
    const stack = new SmartcarWebhookStack(fastApp(), 'SmartcarWebhooks-dev', {
      eventTypes: [...EVENT_TYPES, FLEET_EVENT_TYPE],
    });

    // Act
    const template = Template.fromStack(stack);

    // Assess
    expect(graphedEventTypes(template, 'Dashboard', BY_TYPE_GRAPHS[0])).toEqual([...EVENT_TYPES, FLEET_EVENT_TYPE]);
    expect(shareQueries(template, '').map((q) => q.Id)).toContain('type_example_event');
  });
});

describe('eventTypes is checked first', () => {
  it.each([
    ['the built-in types in another order', ['VEHICLE_ERROR', 'VEHICLE_STATE']],
    ['a type with digits', [...EVENT_TYPES, 'CHARGE_2_STATUS']],
    [
      `${MAX_EVENT_TYPES} types, the most one alarm can add up`,
      [...EVENT_TYPES, ...Array.from({ length: MAX_EVENT_TYPES - EVENT_TYPES.length }, (_, i) => `EXTRA_${i}`)],
    ],
  ])('accepts %s, drawn in its order and each in the share alarm', (_case, eventTypes) => {
    // Act
    const template = Template.fromStack(Stack.of(receiverWith(eventTypes)()));

    // Assess
    expect(graphedEventTypes(template, 'FleetDashboard', BY_TYPE_GRAPHS[1])).toEqual(eventTypes);
    expect(shareQueries(template, 'Fleet').filter((q) => q.MetricStat)).toHaveLength(eventTypes.length);
  });

  it.each([
    ['an empty list', [], 'an empty list'],
    ['a lower-case name', [...EVENT_TYPES, 'example_event'], 'eventTypes[2] "example_event" is not'],
    ['a name with a dash', [...EVENT_TYPES, 'EXAMPLE-EVENT'], 'eventTypes[2] "EXAMPLE-EVENT" is not'],
    ['a name starting with a digit', ['2_STATE', ...EVENT_TYPES], 'eventTypes[0] "2_STATE" is not'],
    ['an empty name', [...EVENT_TYPES, ''], 'eventTypes[2] "" is not'],
    ['a repeated type', [...EVENT_TYPES, 'VEHICLE_STATE'], 'eventTypes[2] "VEHICLE_STATE" repeats eventTypes[0]'],
    ['VERIFY', [...EVENT_TYPES, 'VERIFY'], 'eventTypes[2] "VERIFY": the receiver answers VERIFY'],
    ['a built-in type left out', ['VEHICLE_STATE', 'EXAMPLE_EVENT'], 'VEHICLE_ERROR missing'],
    [
      `${MAX_EVENT_TYPES + 1} types`,
      [...EVENT_TYPES, ...Array.from({ length: MAX_EVENT_TYPES + 1 - EVENT_TYPES.length }, (_, i) => `EXTRA_${i}`)],
      `${MAX_EVENT_TYPES + 1} types, more than the ${MAX_EVENT_TYPES}`,
    ],
  ])('refuses %s, naming what is wrong', (_case, eventTypes, problem) => {
    // Act
    const build = receiverWith(eventTypes);

    // Assess
    expect(build).toThrow(InvalidPropsError);
    expect(build).toThrow(`Invalid props "eventTypes": ${problem}`);
  });

  it('before any part of the pipeline is made', () => {
    // Prepare
    const stack = new Stack(fastApp(), 'S');

    // Act
    const build = () => new SmartcarWebhookReceiver(stack, 'Bad', { eventTypes: ['vehicle_state'] });

    // Assess
    expect(build).toThrow(InvalidPropsError);
    expect(stack.node.findAll().filter((c) => c.node.path.startsWith('S/Bad/'))).toEqual([]);
  });

  it('on the stack too', () => {
    // Act
    const build = () => new SmartcarWebhookStack(fastApp(), 'S', { eventTypes: [...EVENT_TYPES, 'VERIFY'] });

    // Assess
    expect(build).toThrow(InvalidPropsError);
    expect(build).toThrow('Invalid props "eventTypes": eventTypes[2] "VERIFY"');
  });
});
