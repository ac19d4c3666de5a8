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
 * processed are stored, byte for byte, before they are answered).
 *
 * The local quarantine store does not exist on main yet: the `quarantine` branch adds
 * `local/quarantine-store.ts`, re-exporting `LocalQuarantineStore` (its constructor takes the data
 * folder; entries live under `<dataDir>/quarantine/`) whose `list()` resolves with
 * `{ key, reason, receivedAt, deliveryId?, eventId?, body: Buffer, ... }`. After merging it, wire
 * it here, and delete the quarantine entries of `test/simulate/known-findings.ts`:
 *
 * ```ts
 * import { LocalQuarantineStore } from '../quarantine-store.ts';
 * return new LocalQuarantineStore(resolve(dataDir)).list();
 * ```
 *
 * Until then this returns `undefined` ("no quarantine"): the run then reports every signed but
 * unprocessable body the receiver refused as an authentic event lost, which is what main does.
 *
 * @param dataDir the simulated pipeline's data folder.
 * @returns every quarantined body, or `undefined` when this build has no quarantine.
 */
export async function listQuarantine(dataDir: string): Promise<QuarantinedBody[] | undefined> {
  void dataDir;
  return undefined;
}
