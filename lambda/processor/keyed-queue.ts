/**
 * Runs tasks one after another per key and concurrently across keys.
 *
 * The processor queues a batch's records per vehicle: two copies of one event in one batch then
 * run one after the other (the second is a clean duplicate instead of an in-flight collision),
 * and events of one vehicle do not race each other for its item.
 *
 * @example
 * ```ts
 * const queue = new KeyedQueue();
 * await Promise.all([queue.run('veh-1', first), queue.run('veh-1', second), queue.run('veh-2', other)]);
 * ```
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  public run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    // The tail only orders the next task; its failure belongs to the caller of `run`.
    this.#tails.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }
}
