import type { ProcessorOutcome } from '../../lambda/processor/types.ts';
import type { ArchiveOrigin, LocalErrorSummary, LocalProcessorState } from '../api/types.ts';
import type { SqsBatchHandler } from '../poller.ts';

/** One SQS record the processor finished, with what the local pipeline shows about it. */
export interface LocalRecordOutcome extends ProcessorOutcome {
  /** When the record finished (ISO). */
  at: string;
  /** SQS receive count of this attempt (1 on the first). */
  attempt: number;
  /** From the start of its batch to its outcome, ms. */
  ms: number;
  vehicleId?: string;
  /** Why a `failed` record failed: the business handler's error, when it threw one. */
  error?: LocalErrorSummary;
  /** A copy from a deployed stack's archive (`npm run replay -- --into-local`), with its body for the console. */
  fromArchive?: ArchiveOrigin & { body: string; route: string };
}

/** The processor as the poller calls it, wherever its code runs. */
export interface ProcessorRuntime {
  /** Lambda's SQS handler signature. */
  invoke: SqsBatchHandler;
  state(): LocalProcessorState;
  /** Stops watching and ends a worker, after the batches in flight. */
  close(): Promise<void>;
}
