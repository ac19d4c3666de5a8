import { describe, expect, it } from 'vitest';
import { INGRESS_KINDS } from '../../lib/constructs/ingress-types.ts';
import { buildStack } from '../infra/helpers.ts';
import { onCustomDomain } from './helpers.ts';

/** Every front door synthesizes offline through the app's own validation (both cdk-nag packs). */
describe.each(INGRESS_KINDS)('ingress=%s', (ingress) => {
  const cases: [string, Record<string, unknown>][] = [['on its default endpoint', { ingress }]];
  // A Function URL has no custom domain (readConfig refuses one).
  if (ingress !== 'function-url') cases.push(['on a custom domain', onCustomDomain(ingress)]);

  it.each(cases)('synthesizes %s with every nag finding acknowledged', (_name, context) => {
    // Prepare
    const { app } = buildStack(context);

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).not.toThrow();
  });
});
