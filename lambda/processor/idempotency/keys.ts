import { IDEMPOTENCY_KEY_PREFIX } from '../constants.ts';

/** Prefix of commit items' ids: distinct from claims', so no eventId can ever name a commit. */
export const COMMIT_KEY_PREFIX = 'smartcar-batch';

/**
 * The claim item's id for a key (an eventId, or `eventId#replay#runId` for a replayed copy):
 * readable, so an operator can look an event up by its eventId in the table.
 *
 * @example
 * ```ts
 * claimIdOf('2f1c...'); // 'smartcar-event#2f1c...'
 * ```
 */
export function claimIdOf(key: string): string {
  return `${IDEMPOTENCY_KEY_PREFIX}#${key}`;
}

/**
 * The id of chunk `chunk` of batch `token`'s commit items.
 *
 * @example
 * ```ts
 * commitIdOf('5e0b...', 0); // 'smartcar-batch#5e0b...#0'
 * ```
 */
export function commitIdOf(token: string, chunk: number): string {
  return `${COMMIT_KEY_PREFIX}#${token}#${chunk}`;
}
