/**
 * Lease releases on their way. A refresh gives its lease back in the background (its caller has the
 * saved token already), so two things must wait for that release instead of the caller: the next
 * lease on the same key in this family (else it would poll against its own, about-to-vanish lease)
 * and close() (so an instance that closed has given every lease back). A release never rejects.
 */
export class LeaseReleases {
  readonly #inFlight = new Map<string, Promise<void>>();

  /** Tracks `release` (of the lease named `leaseKey`) until it settles. */
  track(leaseKey: string, release: Promise<void>): void {
    this.#inFlight.set(leaseKey, release);
    void release.finally(() => {
      if (this.#inFlight.get(leaseKey) === release) this.#inFlight.delete(leaseKey);
    });
  }

  /** Resolves once the release of `leaseKey` on its way, if any, settled. */
  async settled(leaseKey: string): Promise<void> {
    await this.#inFlight.get(leaseKey);
  }

  /** Resolves once every release on its way settled. */
  async allSettled(): Promise<void> {
    await Promise.all(this.#inFlight.values());
  }
}
