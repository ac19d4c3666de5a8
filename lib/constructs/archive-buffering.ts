import { ARCHIVE_DEFAULTS } from '../defaults.ts';
import { InvalidPropsError } from '../errors.ts';

/**
 * Firehose's bounds for an S3 destination's buffer, checked before anything is built.
 *
 * @throws {InvalidPropsError} naming the prop and its bounds.
 * @example
 * ```ts
 * checkBuffering(props.bufferingIntervalSeconds, props.bufferingSizeMiB);
 * ```
 */
export function checkBuffering(intervalSeconds: number, sizeMiB: number): void {
  if (
    !Number.isInteger(intervalSeconds) ||
    intervalSeconds < 0 ||
    intervalSeconds > ARCHIVE_DEFAULTS.maxBufferingIntervalSeconds
  ) {
    throw new InvalidPropsError(
      'bufferingIntervalSeconds',
      `an integer from 0 to ${ARCHIVE_DEFAULTS.maxBufferingIntervalSeconds}, not ${intervalSeconds}`,
    );
  }
  if (!Number.isInteger(sizeMiB) || sizeMiB < 1 || sizeMiB > ARCHIVE_DEFAULTS.maxBufferingSizeMiB) {
    throw new InvalidPropsError(
      'bufferingSizeMiB',
      `an integer from 1 to ${ARCHIVE_DEFAULTS.maxBufferingSizeMiB}, not ${sizeMiB}`,
    );
  }
}
