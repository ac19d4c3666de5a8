import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LocalRecordOutcome } from './types.ts';

/** What a processor worker is started with (`workerData`). */
export interface ProcessorWorkerData {
  dynamoEndpoint: string;
  idempotencyTableName: string;
  vehicleStateTableName: string;
  maxReceiveCount: number;
  /** `-c futureToleranceSeconds`; absent: the processor's default. */
  futureToleranceSeconds?: number;
  /** Powertools log level of the processor. */
  logLevel: string;
  /** Metric namespace of the EMF lines. */
  metricsNamespace: string;
  /** File URL of a module whose `defaultHandlers` replace the repository's, type by type. */
  handlersModule?: string;
  /** Folder of the local archive (`local/archive.ts`); none: the processor runs as with `-c archive=false`. */
  archiveDir?: string;
}

/** Parent to worker. */
export type ToWorker = { type: 'invoke'; id: number; event: SQSEvent; remainingMs: number };

/** Worker to parent: `ready` once the processor is built, then results and outcomes. */
export type FromWorker =
  | { type: 'ready'; eventTypes: string[] }
  | {
      type: 'result';
      id: number;
      response?: SQSBatchResponse;
      error?: { name: string; message: string; stack?: string };
    }
  | { type: 'outcome'; outcome: LocalRecordOutcome }
  /** The local archive stored this many deliveries (the stats' `archived`). */
  | { type: 'archived'; count: number };
