import { resolve } from 'node:path';
import { LocalQuarantineStore } from '../quarantine-store.ts';

/** A quarantined body, as the local quarantine store lists it. */
export interface QuarantinedBody {
  key: string;
  reason: string;
  receivedAt: number;
  deliveryId?: string;
  eventId?: string;
  body: Buffer;
}

/**
 * THE ONE PLACE the simulation reads the quarantine (issue #19: signed bodies that cannot be
 * processed are stored, byte for byte, before they are answered; `docs/quarantine.md`): the local
 * pipeline's `LocalQuarantineStore` in the data folder (`<dataDir>/quarantine/`).
 *
 * A build without a quarantine would return `undefined` here: the run then reports every signed
 * but unprocessable body the receiver refused as an authentic event lost.
 *
 * @param dataDir the simulated pipeline's data folder.
 * @returns every quarantined body, or `undefined` when this build has no quarantine.
 * @example
 * ```ts
 * const entries = await listQuarantine('/tmp/smartcar-simulate-x/data');
 * ```
 */
export async function listQuarantine(dataDir: string): Promise<QuarantinedBody[] | undefined> {
  return new LocalQuarantineStore(resolve(dataDir)).list();
}
