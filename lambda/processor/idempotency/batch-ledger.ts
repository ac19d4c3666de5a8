import { randomUUID } from 'node:crypto';
import { COMMIT_ITEM_KEY_BYTES, MAX_CLAIM_ROUNDS } from '../constants.ts';
import type { ClaimStore } from './claim-store.ts';
import { EventInFlightError } from './errors.ts';
import { claimIdOf, commitIdOf } from './keys.ts';
import type { BatchLedgerApi, ClaimItem, RunOnceResult, SettleResult } from './types.ts';

/** Options of {@link BatchLedger}. */
export interface BatchLedgerOptions {
  /** When the invocation may end (epoch ms): the claims' lease. */
  deadline: number;
  ttlSeconds: number;
  now: () => number;
}

interface Completion {
  key: string;
  commit: string;
  id: string;
}

/**
 * One batch's idempotency: one conditional write per event before its handler runs (the claim),
 * and, when the batch is done, one write per ~1 KB of completed keys (the commit items), instead
 * of a lock write and a completion write per event.
 *
 * A copy that finds a claim asks, in this order: did it expire (then it claims afresh)? Is it this
 * batch's own, an earlier copy's failed claim or its own write whose answer was lost (then it runs)?
 * Does the claim's commit item list the key (then it is a duplicate)? Is its lease still running (then
 * another copy is in flight: `EventInFlightError`, SQS retries this one)? Otherwise the claiming
 * invocation ended without completing it (its handler failed, it crashed, or its commit write
 * failed), and this copy takes the claim over and runs the handler. That is Powertools
 * Idempotency's contract (completed: skip; in progress: retry later; abandoned: run again) at
 * about half the write units per event.
 *
 * @example
 * ```ts
 * const ledger = new BatchLedger(store, { deadline: Date.now() + 30_000, ttlSeconds: 604_800, now: Date.now });
 * const { ran } = await ledger.runOnce(event.eventId, () => handle(event), record.messageId);
 * const { uncommitted } = await ledger.settle(); // fail these records: their completion is not stored
 * ```
 */
export class BatchLedger implements BatchLedgerApi {
  readonly #token = randomUUID();
  readonly #completed = new Map<string, Completion>();
  /** Claim id to commit id, for the claims of tasks that failed (released when the batch settles). */
  readonly #failed = new Map<string, string>();
  /** Claim ids whose `runOnce` is under way here: a claim naming our commit is then not a lost answer. */
  readonly #running = new Set<string>();
  #chunk = 0;
  #chunkBytes = 0;
  #settled: Promise<SettleResult> | undefined;

  public constructor(
    private readonly store: ClaimStore,
    private readonly options: BatchLedgerOptions,
  ) {}

  public async runOnce(key: string, task: () => Promise<void>, id: string): Promise<RunOnceResult> {
    const claimId = claimIdOf(key);
    // A second copy in the same batch (the processor runs copies of one event one after another).
    if (this.#completed.has(claimId)) return { ran: false };
    // A copy of the same key running at the same time in this batch holds it.
    if (this.#running.has(claimId)) throw new EventInFlightError(key);
    this.#running.add(claimId);
    try {
      const commit = this.#commitFor(key);
      if ((await this.#claim(claimId, key, commit)) === 'duplicate') return { ran: false };
      try {
        await task();
      } catch (error) {
        this.#failed.set(claimId, commit);
        throw error;
      }
      this.#failed.delete(claimId);
      this.#completed.set(claimId, { key, commit, id });
      return { ran: true };
    } finally {
      this.#running.delete(claimId);
    }
  }

  public settle(): Promise<SettleResult> {
    this.#settled ??= this.#writeOutcomes();
    return this.#settled;
  }

  async #claim(claimId: string, key: string, commit: string): Promise<'owned' | 'duplicate'> {
    const claim: ClaimItem = {
      id: claimId,
      commit,
      leaseUntil: this.options.deadline,
      expiration: this.#nowSeconds() + this.options.ttlSeconds,
    };
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      if (await this.store.putClaim(claim, this.#nowSeconds())) return 'owned';
      const existing = await this.store.getClaim(claimId);
      // Gone, or expired, since the write was refused: try the plain claim again.
      if (!existing || existing.expiration < this.#nowSeconds()) continue;
      // A claim naming the commit this call writes is this batch's own (no other copy of the key
      // runs here now): an earlier copy's failed claim, or this call's write that landed but whose
      // answer was lost (DynamoDB may answer 500 to a write it applied) so the SDK's retry was
      // refused by it. Either way not another copy in flight.
      if (existing.commit === commit) return 'owned';
      // An earlier copy in this batch failed; its claim is ours to take back.
      const ours = this.#failed.get(claimId) === existing.commit;
      if (!ours) {
        // Completion first: a batch that committed is done even while its lease still runs.
        const done = await this.store.getCommit(existing.commit);
        if (done?.done.includes(key)) return 'duplicate';
        if (existing.leaseUntil > this.options.now()) throw new EventInFlightError(key);
      }
      if (await this.store.reclaim(claim, existing.commit)) return 'owned';
    }
    // Lost every race for the key: another copy holds it now.
    throw new EventInFlightError(key);
  }

  /** The commit item a key will be listed in: a new one whenever the current one would pass ~1 KB. */
  #commitFor(key: string): string {
    const bytes = Buffer.byteLength(key) + 1;
    if (this.#chunkBytes > 0 && this.#chunkBytes + bytes > COMMIT_ITEM_KEY_BYTES) {
      this.#chunk += 1;
      this.#chunkBytes = 0;
    }
    this.#chunkBytes += bytes;
    return commitIdOf(this.#token, this.#chunk);
  }

  async #writeOutcomes(): Promise<SettleResult> {
    const byCommit = new Map<string, Completion[]>();
    for (const completion of this.#completed.values()) {
      byCommit.set(completion.commit, [...(byCommit.get(completion.commit) ?? []), completion]);
    }
    const expiration = this.#nowSeconds() + this.options.ttlSeconds;
    let commitError: string | undefined;
    const commits = [...byCommit].map(async ([commit, completions]) => {
      try {
        await this.store.putCommit({ id: commit, done: completions.map((c) => c.key), expiration });
        return [];
      } catch (error) {
        commitError ??= `${(error as Error).name}: ${(error as Error).message}`;
        return completions.map((c) => c.id);
      }
    });
    const releases = [...this.#failed].map(([claimId, commit]) =>
      this.store.release(claimId, commit).then(
        () => 0,
        () => 1,
      ),
    );
    const [uncommitted, unreleased] = await Promise.all([Promise.all(commits), Promise.all(releases)]);
    return {
      uncommitted: uncommitted.flat(),
      unreleased: unreleased.reduce<number>((sum, n) => sum + n, 0),
      ...(commitError ? { commitError } : {}),
    };
  }

  #nowSeconds(): number {
    return Math.floor(this.options.now() / 1000);
  }
}
