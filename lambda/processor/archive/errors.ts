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
