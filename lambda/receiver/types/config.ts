/**
 * The receiver's settings, read from the environment by `loadReceiverConfig`.
 *
 * @example
 * ```ts
 * const config: ReceiverConfig = loadReceiverConfig(process.env);
 * ```
 */
export interface ReceiverConfig {
  queueUrl: string;
  amtSecretId: string;
  /** The bucket of the quarantine (`docs/quarantine.md`). */
  quarantineBucketName: string;
  maxBodyBytes: number;
  amtCacheSeconds: number;
  errorCallbackPath: string;
  /** Replay window on `meta.deliveredAt`, in seconds; 0 turns the check off. */
  deliveryToleranceSeconds: number;
}
