import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAVED_QUERIES } from '../../lib/constructs/saved-queries.ts';
import { logicalId, templateFor } from './helpers.ts';

/**
 * Issue #24: the runbook's Logs Insights queries ship with the stack as saved queries, named in
 * one folder per pipeline and scoped to the pipeline's own log groups.
 */

interface QueryDefinitionProps {
  Name: string;
  QueryString: string;
  LogGroupNames: Array<{ Ref: string }>;
}

function queryDefinitions(context: Record<string, unknown> = {}) {
  const template = templateFor(context);
  const definitions = Object.values(template.findResources('AWS::Logs::QueryDefinition')).map(
    (resource) => (resource as { Properties: QueryDefinitionProps }).Properties,
  );
  return {
    byName: new Map(definitions.map((d) => [d.Name, d])),
    receiver: logicalId(template, 'AWS::Logs::LogGroup', 'ReceiverLogGroup'),
    processor: logicalId(template, 'AWS::Logs::LogGroup', 'ProcessingProcessorLogGroup'),
    count: definitions.length,
  };
}

describe('saved CloudWatch Logs Insights queries', () => {
  it('saves each runbook query in the dashboard-named folder, scoped to the log groups whose lines it reads', () => {
    // Prepare
    const expected: Record<string, { groups: Array<'receiver' | 'processor'>; reads: RegExp }> = {
      'Trace one eventId': { groups: ['receiver', 'processor'], reads: /filter eventId = "PASTE-EVENT-ID-HERE"/ },
      'Failures by error': { groups: ['processor'], reads: /filter level = "ERROR"[\s\S]*by message, error\.name/ },
      'Refused deliveries by reason': { groups: ['receiver'], reads: /status >= 400[\s\S]*status < 500[\s\S]*by code/ },
      'Quarantined bodies': { groups: ['receiver'], reads: /filter message = "delivery quarantined"/ },
      'Slowest handlers': {
        groups: ['processor'],
        reads: /filter message = "Batch done"[\s\S]*sort slowestHandlerMs desc/,
      },
      'Duplicates (one eventId received more than once)': {
        groups: ['receiver'],
        reads: /code = "enqueued"[\s\S]*count\(\*\) as deliveries[\s\S]*by eventId[\s\S]*sort deliveries desc/,
      },
    };

    // Act
    const { byName, receiver, processor, count } = queryDefinitions();

    // Assess
    expect(count).toBe(Object.keys(expected).length);
    for (const [title, { groups, reads }] of Object.entries(expected)) {
      const definition = byName.get(`SmartcarWebhooks-dev/${title}`);
      expect(definition, title).toBeDefined();
      expect(definition!.LogGroupNames).toEqual(groups.map((g) => ({ Ref: g === 'receiver' ? receiver : processor })));
      expect(definition!.QueryString, title).toMatch(reads);
    }
  });

  it("names the folder after the stage's dashboard, so two stages in one account keep apart", () => {
    // Prepare
    const stage = 'prod';

    // Act
    const { byName } = queryDefinitions({ stage });

    // Assess
    expect([...byName.keys()].every((name) => name.startsWith(`SmartcarWebhooks-${stage}/`))).toBe(true);
  });

  it('is linked by name from the runbook guide, every one of them', () => {
    // Prepare
    const guide = readFileSync(new URL('../../docs/runbook-queries.md', import.meta.url), 'utf8');

    // Act
    const missing = Object.values(SAVED_QUERIES).filter((query) => !guide.includes(`**${query.title}**`));

    // Assess
    expect(missing).toEqual([]);
  });
});
