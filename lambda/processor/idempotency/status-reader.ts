import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyStatusReader } from '../../core/idempotency-status.ts';
import { ClaimStore } from './claim-store.ts';
import { claimIdOf } from './keys.ts';
import type { IdempotencyOptions } from './types.ts';

/**
 * Reads an eventId's status the way the processor writes it: no claim (never reached a handler,
 * or its handler failed and released it), `EXPIRED` (past its TTL), `COMPLETED` (its batch's
 * commit item lists it), else `INPROGRESS` (in flight, or abandoned and run again by the next
 * copy). Strongly consistent reads. For tools (the local status endpoint, `npm run smoke`); the
 * processor itself reads only when a claim is refused.
 *
 * @example
 * ```ts
 * const readStatus = createIdempotencyStatusReader({ dynamodb, tableName: 'idempotency' });
 * if ((await readStatus('evt-1')) === 'COMPLETED') console.log('processed');
 * ```
 */
export function createIdempotencyStatusReader(
  options: Pick<IdempotencyOptions, 'dynamodb' | 'tableName' | 'now'>,
): IdempotencyStatusReader {
  const store = new ClaimStore(DynamoDBDocumentClient.from(options.dynamodb), options.tableName);
  const now = options.now ?? Date.now;
  return async (eventId) => {
    const claim = await store.getClaim(claimIdOf(eventId));
    if (!claim) return undefined;
    if (claim.expiration < Math.floor(now() / 1000)) return 'EXPIRED';
    const commit = await store.getCommit(claim.commit);
    return commit?.done.includes(eventId) ? 'COMPLETED' : 'INPROGRESS';
  };
}
