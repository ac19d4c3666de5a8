/**
 * What the processor's idempotency table says about one eventId (see the status reader).
 * Shared by the processor (which writes the records), the local pipeline's
 * `GET /_local/deliveries/{eventId}` and `npm run smoke` (which read them).
 *
 * @example
 * ```ts
 * const done = (status: IdempotencyStatus | undefined) => status === 'COMPLETED';
 * ```
 */
export type IdempotencyStatus = 'INPROGRESS' | 'COMPLETED' | 'EXPIRED';

/**
 * Reads the status of one eventId; `undefined` when there is no record.
 *
 * @example
 * ```ts
 * const readStatus: IdempotencyStatusReader = async () => 'COMPLETED';
 * ```
 */
export type IdempotencyStatusReader = (eventId: string) => Promise<IdempotencyStatus | undefined>;
