import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ProcessorDependencies } from '../lambda/processor/types.ts';
import type { SettingValues } from '../lib/settings/table.ts';
import type { LocalQuarantineStore } from './api/quarantine-store.ts';
import type { LocalEndpoints, LocalProcessorState, LocalStats } from './api/types.ts';

/** A part of the local pipeline that can be taken down and brought back (fault injection). */
export interface Switchable {
  readonly running: boolean;
  /** Takes the part down; callers see connection errors (emulators) or nothing processed (poller). */
  stop(): Promise<void>;
  /** Brings it back with its state (queues, messages, tables) intact. */
  start(): Promise<void>;
}

/** The SQS emulator, run in the calling thread (`startSqsEmulator`). */
export interface SqsEmulator extends Switchable {
  /** e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  readonly port: number;
  /** Shuts it down for good (state is lost). */
  close(): Promise<void>;
}

/** The main queue and its DLQ. */
export interface LocalQueues {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
}

/** The Lambda-like SQS event source. */
export interface Poller {
  readonly running: boolean;
  start(): void;
  /** Stops polling after the batch in flight is finished and its successes deleted. */
  stop(): Promise<void>;
  /**
   * Stops at once, as if the function crashed mid-batch: the batch in flight is not deleted,
   * so its messages come back after the visibility timeout.
   */
  kill(): void;
}

/** The settings of the settings table the local pipeline honours. */
export type LocalPipelineSettings = Pick<
  SettingValues,
  'maxReceiveCount' | 'processorTimeoutSeconds' | 'deliveryToleranceSeconds' | 'futureToleranceSeconds' | 'archive'
>;

export interface PipelineOptions {
  /** HTTP port; 0 picks a free one. @default LOCAL_ADDRESS.port */
  port?: number;
  /** @default LOCAL_ADDRESS.host (loopback) */
  host?: string;
  /**
   * `Host` values (a tunnel's host name, lower-case, optional `:port`) that may reach the
   * webhook routes, and only them; the server still listens on `host`. `npm start -- --allow-host`
   * (`allowHostOption`). @default none: loopback Hosts only
   */
  allowedHosts?: readonly string[];
  /** The AMT to verify with; see `findAmt()` (`local/api/amt.ts`) for how `npm start` finds one. Generated when absent. */
  amt?: string;
  /** Main queue visibility timeout, and so the local invocation timeout. @default LOCAL_DEFAULTS.visibilityTimeoutSeconds */
  visibilityTimeoutSeconds?: number;
  /**
   * The stack's settings the local pipeline applies too (`npm start` reads them from `cdk.json`
   * and `-c key=value`, see `local/settings.ts`). @default each setting's default
   */
  settings?: LocalPipelineSettings;
  /** Poller long-poll wait. @default LOCAL_DEFAULTS.waitTimeSeconds */
  waitTimeSeconds?: number;
  /** Poll loops running at once. @default LOCAL_DEFAULTS.pollerConcurrency */
  pollerConcurrency?: number;
  /** Business handler overrides passed to the processor (tests, fault injection); not with `hotReload`. */
  handlers?: ProcessorDependencies['handlers'];
  /**
   * Run the processor in a worker thread that is replaced when a file under `lambda/processor/`
   * (or beside `handlersModule`) changes; the emulators and their messages are untouched.
   * @default false (the processor runs in this thread)
   */
  hotReload?: boolean;
  /** With `hotReload`: a module whose `defaultHandlers` replace the repository's, type by type. */
  handlersModule?: string;
  /**
   * Where the per-delivery and per-record lines (and reload notices) go; none when absent.
   * @default no output
   */
  output?: (text: string) => void;
  /** Print every Powertools log entry and EMF line in full instead of the compact lines. @default false */
  verbose?: boolean;
  /**
   * Keep state in this folder across restarts: DynamoDB (processed ids, vehicle state) on disk,
   * and the main queue's and the DLQ's messages saved at `stop()` and restored at start
   * (`local/queue-snapshot.ts` says what a restore cannot keep). In memory when absent.
   */
  dataDir?: string;
  /**
   * Archive every delivery here before it is handled, as the stack does to S3 (`npm run replay --
   * --local` reads it); ignored with `settings.archive` false. @default `<dataDir>/archive` with a
   * `dataDir`; no archive without either
   */
  archiveDir?: string;
  /** Powertools log level of the receiver and processor. @default 'INFO' ('WARN' when `quiet`) */
  logLevel?: string;
  /** Tests: fewer logs. */
  quiet?: boolean;
  /**
   * The endpoint the receiver's SQS client and the processor's DynamoDB client use, given the
   * emulator's: fault injection puts a loopback proxy there (`local/simulate/fault-proxy.ts`). The
   * pipeline's own admin clients and the poller still talk to the emulators directly.
   * @default the emulator's endpoint
   */
  serviceEndpoint?: (service: LocalService, emulatorEndpoint: string) => string | Promise<string>;
  /** The receiver's clock, epoch ms (fault injection: a skewed clock). @default Date.now */
  receiverClock?: () => number;
}

/** An emulated AWS service a function of the local pipeline calls. */
export type LocalService = 'sqs' | 'dynamodb';

export interface LocalPipeline {
  /** Base URL of the local HTTP API, e.g. `http://127.0.0.1:3000`. */
  url: string;
  webhookUrl: string;
  errorCallbackUrl: string;
  /** The AMT deliveries must be signed with. */
  amt: string;
  /** True when no AMT was given and a development token was generated. */
  amtGenerated: boolean;
  /** The data folder in use (`PipelineOptions.dataDir`). */
  dataDir?: string;
  /** Messages restored from the data folder's queue snapshot at start, if there was one. */
  restored?: { main: number; dlq: number; file: string };
  /** This start's token for the console's state-changing requests (header `x-local-token`). */
  consoleToken: string;
  /** The processor code running, and its last reload. */
  processorState(): LocalProcessorState;
  /** Signed deliveries the receiver could not process, as it stored them (`docs/quarantine.md`). */
  quarantine: LocalQuarantineStore;
  endpoints: LocalEndpoints;
  /** A client for the SQS emulator (queue URLs in `endpoints`). */
  sqsClient: SQSClient;
  /** Last known counts (queue depths refreshed about once a second). */
  stats(): LocalStats;
  /** Counts with queue depths read now. */
  refreshStats(): Promise<LocalStats>;
  /** Resolves with the first stats `predicate` accepts; rejects after `timeoutMs` with the last stats. */
  waitFor(predicate: (stats: LocalStats) => boolean, timeoutMs?: number): Promise<LocalStats>;
  /** Fault injection: the SQS emulator (same port, messages kept across stop/start). */
  sqsEmulator: Switchable;
  /** Fault injection: the DynamoDB emulator (same port, tables kept across stop/start). */
  dynamoEmulator: Switchable;
  /** Fault injection: the processor's event source (`kill()` abandons the batch in flight). */
  poller: Poller;
  /** Stops everything; idempotent. */
  stop(): Promise<void>;
}
