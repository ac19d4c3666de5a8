import { createProcessor } from './create-processor.ts';

/**
 * The stack's processor Lambda: the example handlers of `handlers/` on the processor the
 * construct configures through the environment (see `createProcessor`). A processor of your
 * own is the same line with your handlers.
 *
 * @example
 * ```ts
 * // CDK: new NodejsFunction(this, 'Processor', { entry: 'lambda/processor/index.ts', handler: 'handler' });
 * ```
 */
export const handler = createProcessor();
