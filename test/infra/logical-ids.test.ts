import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LINT_VARIANTS } from './cfn-lint-variants.ts';
import { templateFor } from './helpers.ts';

/**
 * Existing deployments update in place: every resource logical id and output name the stack had
 * (recorded in `logical-ids.expected.json` before the stack became a `SmartcarWebhookReceiver`)
 * must still be there, because CloudFormation replaces a resource whose logical id changes (a new,
 * empty queue and tables; a new secret without the AMT). New resources may be added; renaming or
 * dropping one fails here. Record a new variant only when it is new.
 */

const EXPECTED = JSON.parse(readFileSync(new URL('./logical-ids.expected.json', import.meta.url), 'utf8')) as Record<
  string,
  { resources: string[]; outputs: string[] }
>;

describe('logical ids and outputs of existing deployments', () => {
  it.each(Object.keys(EXPECTED))('are all still in the %s template', (name) => {
    // Prepare
    const variant = LINT_VARIANTS.find((v) => v.name === name);
    const expected = EXPECTED[name]!;

    // Act
    const template = templateFor(variant?.context ?? {}).toJSON() as { Resources: object; Outputs: object };

    // Assess
    expect(variant, `variant ${name}`).toBeDefined();
    expect(expected.resources.filter((id) => !(id in template.Resources))).toEqual([]);
    expect(expected.outputs.filter((id) => !(id in template.Outputs))).toEqual([]);
  });
});
