import { createHash } from 'node:crypto';
import { IDEMPOTENCY_KEY_PREFIX } from '../../../lambda/processor/constants.ts';

/**
 * The `id` Powertools Idempotency gives a key with the processor's settings: `<prefix>#` + the
 * base64 MD5 of the key's JSON (JMESPath `eventId` selects the key itself). For tests that look
 * a record up in the table or recognise it in a call.
 *
 * @example
 * ```ts
 * powertoolsKey('evt-1'); // 'smartcar-event#…'
 * ```
 */
export function powertoolsKey(key: string): string {
  return `${IDEMPOTENCY_KEY_PREFIX}#${createHash('md5').update(JSON.stringify(key)).digest('base64')}`;
}
