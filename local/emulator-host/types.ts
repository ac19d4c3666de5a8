import type { Switchable } from '../types.ts';

/** The emulators the host runs. */
export type EmulatorName = 'sqs' | 'dynamo';

/** Options of `startEmulatorHost()`. */
export interface EmulatorHostOptions {
  /** Interface both emulators listen on. @default LOCAL_ADDRESS.host (loopback) */
  host?: string;
  /** Keep DynamoDB data in this folder (must exist); in memory when absent. */
  dynamoPath?: string;
}

/** An emulator in the host: its address, and stop/start for fault injection (same port, state kept). */
export interface RemoteEmulator extends Switchable {
  /** e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  readonly port: number;
}

/** The running emulator host. */
export interface EmulatorHost {
  readonly sqs: RemoteEmulator;
  readonly dynamo: RemoteEmulator;
  /** Calls `listener` if the host thread dies unexpectedly (both emulators are then down for good). */
  onCrash(listener: (error: Error) => void): void;
  /** Closes both emulators (DynamoDB data on disk is flushed) and ends the host; idempotent. */
  close(): Promise<void>;
}

/** What the host thread is started with (`workerData`). */
export interface EmulatorHostData {
  host: string;
  dynamoPath?: string;
}

/** What the parent asks of the host. */
export type HostRequest = { op: 'stop' | 'start'; emulator: EmulatorName } | { op: 'close' };

/** Parent to host: a request and the id its reply carries. */
export type HostCommand = HostRequest & { id: number };

/** Where one emulator listens. */
export interface EmulatorAddress {
  endpoint: string;
  port: number;
}

/** Host to parent: one `ready` once both emulators listen, then one `reply` per command. */
export type HostMessage =
  | { type: 'ready'; sqs: EmulatorAddress; dynamo: EmulatorAddress }
  | { type: 'reply'; id: number; error?: string };
