import type { StoreKind } from '../lib/config.js';

/** Messages between the fleet measure (bench/src/measures/fleet.ts) and its processes. */
export type FleetParent =
  | { type: 'init'; kind: StoreKind; name: string; environment: { tokenEndpoint: string; revocationEndpoint: string; apiUrl: string } }
  /** One Initializer per user, loaded from the store (the lease on or off). */
  | { type: 'prepare'; users: string[]; lock: boolean }
  /**
   * The wave: until `endAt`, `workers` loops each ask for a random user's access token every `pauseMs`;
   * then its share of the users once (a sweep: every expired token is asked for at least once).
   */
  | { type: 'wave'; startAt: number; endAt: number; workers: number; pauseMs: number; index: number; processes: number }
  /** Throughput: this process's share of the users (every `processes`-th from `index`), `workers` at a time. */
  | { type: 'burst'; startAt: number; index: number; processes: number; workers: number; tokens: number }
  | { type: 'teardown' }
  | { type: 'exit' };

export interface FleetReport {
  requests: number;
  errors: Record<string, number>;
  /** getAccessToken() latencies in ms of the calls during the wave (the burst keeps none). */
  latenciesMs: number[];
  /** The same for the sweep after the wave (this process's share of the users, once each). */
  sweepLatenciesMs: number[];
  /** ms from startAt to this process's last answer. */
  ms: number;
  /** CPU time (user + system) of this process from startAt until its instances closed (releases included), ms. */
  cpuMs: number;
}

export type FleetChildMessage =
  | { type: 'ready' }
  | { type: 'prepared'; ms: number }
  | { type: 'result'; report: FleetReport }
  | { type: 'done' }
  | { type: 'fatal'; message: string };
