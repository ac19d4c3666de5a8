/**
 * The package's main entry, `smartcar-webhook-receiver`: the construct, the stack built on it,
 * their props and the built-in event types. Processor code imports
 * `smartcar-webhook-receiver/processor` instead (no CDK in a Lambda bundle).
 *
 * @example
 * ```ts
 * import { SmartcarWebhookReceiver } from 'smartcar-webhook-receiver';
 *
 * new SmartcarWebhookReceiver(stack, 'Webhooks', { processorEntry: 'src/processor.ts' });
 * ```
 */
export { EVENT_TYPES, type EventTypeName } from '../lambda/core/event-types.ts';
export { ConfigError, InvalidPropsError } from './errors.ts';
export { SmartcarWebhookReceiver, type SmartcarWebhookReceiverProps } from './smartcar-webhook-receiver.ts';
export { SmartcarWebhookStack, type SmartcarWebhookStackProps } from './smartcar-webhook-stack.ts';
export { STACK_OUTPUTS, type StackOutputKey } from './stack-outputs.ts';
