/**
 * A record body that is not a usable Smartcar event. The message never contains body content,
 * so it is safe to log.
 *
 * @example
 * ```ts
 * throw new MalformedEventError('eventId is missing');
 * ```
 */
export class MalformedEventError extends Error {
  public constructor(reason: string) {
    super(`Malformed event: ${reason}`);
    this.name = 'MalformedEventError';
  }
}

/**
 * The environment the stack sets is missing or invalid; raised at cold start, never per record.
 *
 * @example
 * ```ts
 * throw new ProcessorConfigError('IDEMPOTENCY_TABLE_NAME is not set');
 * ```
 */
export class ProcessorConfigError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ProcessorConfigError';
  }
}

/**
 * Another writer kept winning the race for one vehicle's item; the record is retried by SQS.
 *
 * @example
 * ```ts
 * throw new ConcurrentUpdateError('veh-1', 8);
 * ```
 */
export class ConcurrentUpdateError extends Error {
  public constructor(vehicleId: string, attempts: number) {
    super(`Gave up updating vehicle ${vehicleId} after ${attempts} conflicting attempts`);
    this.name = 'ConcurrentUpdateError';
  }
}

/**
 * The archive step's one base error. A record failed with it was not archived, so its handler
 * did not run; SQS delivers it again.
 *
 * @example
 * ```ts
 * throw new ArchiveError('Firehose rejected the record 3 times (ServiceUnavailableException)');
 * ```
 */
export class ArchiveError extends Error {
  public constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ArchiveError';
  }
}
