import { describe, expect, it } from 'vitest';
import { templateFor } from './helpers.ts';

function retentions(template: ReturnType<typeof templateFor>): unknown[] {
  return Object.values(template.findResources('AWS::Logs::LogGroup')).map(
    (g) => (g as { Properties: { RetentionInDays?: number } }).Properties.RetentionInDays,
  );
}

describe('Log groups', () => {
  it('gives every log group (both functions, the access log and the archive delivery errors) a 30-day retention by default', () => {
    // Prepare
    const template = templateFor();

    // Act
    const days = retentions(template);

    // Assess
    expect(days).toEqual([30, 30, 30, 30]);
  });

  it('applies the logRetentionDays context key to every log group', () => {
    // Prepare
    const template = templateFor({ logRetentionDays: '90' });

    // Act
    const days = retentions(template);

    // Assess
    expect(days).toEqual([90, 90, 90, 90]);
  });

  it('creates no log group outside the stack (no custom-resource retention, no implicit groups)', () => {
    // Prepare
    const template = templateFor();

    // Act
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (f) => (f as { Properties: { LoggingConfig?: { LogGroup?: unknown } } }).Properties.LoggingConfig?.LogGroup,
    );

    // Assess
    expect(functions.every((group) => group !== undefined)).toBe(true);
    template.resourceCountIs('Custom::LogRetention', 0);
  });
});
