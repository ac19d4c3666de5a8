import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { overrideProps } from '../../lib/override-props.ts';

describe('overrideProps', () => {
  it('keeps a default for a prop given as undefined, and takes every prop given', () => {
    // Prepare
    const defaults = { memorySize: 256, logLevel: 'INFO' };

    // Act
    const merged = overrideProps(defaults, { memorySize: undefined, logLevel: 'DEBUG', extra: 1 });

    // Assess
    expect(merged).toEqual({ memorySize: 256, logLevel: 'DEBUG', extra: 1 });
    expect(defaults).toEqual({ memorySize: 256, logLevel: 'INFO' });
  });

  it('merges plain objects key by key and replaces class instances and arrays whole', () => {
    // Prepare
    const defaults = { thresholds: { a: 1, b: 2 }, timeout: Duration.seconds(10), names: ['x', 'y'] };

    // Act
    const merged = overrideProps(defaults, { thresholds: { b: 5 }, timeout: Duration.minutes(1), names: ['z'] });

    // Assess
    expect(merged.thresholds).toEqual({ a: 1, b: 5 });
    expect(merged.timeout.toSeconds()).toBe(60);
    expect(merged.names).toEqual(['z']);
  });
});
