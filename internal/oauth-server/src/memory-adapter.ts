/**
 * A per-server, unbounded in-memory storage adapter for oidc-provider.
 *
 * Why not oidc-provider's bundled MemoryAdapter: its storage is a single
 * module-level QuickLRU with maxSize 1000, shared by every Provider in the
 * process. A benchmark (or several servers in one vitest worker) easily
 * exceeds that, and evicted refresh tokens then fail with a spurious
 * `invalid_grant: refresh token not found`. Here every server gets its own
 * Maps, entries only go away when they expire, are destroyed or revoked, and
 * nothing leaks between servers. It also avoids the bundled adapter's
 * "development-only in-memory adapter" console warning.
 */
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** Epoch ms; undefined = never expires. */
  expiresAt: number | undefined;
}

// Models whose instances belong to a grant and are removed by revokeByGrantId.
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

// Expired entries are dropped lazily on read, plus a sweep every N writes so
// long benchmarks that never read old tokens again do not grow without bound.
const SWEEP_EVERY_WRITES = 5000;

export function createMemoryAdapterFactory(): AdapterFactory {
  const entries = new Map<string, Entry>();
  /** `${model}:${grantId}` -> keys of that model's entries in that grant */
  const byGrant = new Map<string, Set<string>>();
  /** Secondary indexes: Session uid -> id, device user code -> id. */
  const sessionByUid = new Map<string, string>();
  const byUserCode = new Map<string, string>();
  let writes = 0;

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const sweep = (): void => {
    const now = Date.now();
    for (const [key, entry] of entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) entries.delete(key);
    }
    for (const [grantKey, keys] of byGrant) {
      for (const key of keys) if (!entries.has(key)) keys.delete(key);
      if (keys.size === 0) byGrant.delete(grantKey);
    }
    for (const index of [sessionByUid, byUserCode]) {
      for (const [k, key] of index) if (!entries.has(key)) index.delete(k);
    }
  };

  return (model: string): Adapter => {
    const keyOf = (id: string) => `${model}:${id}`;

    return {
      async upsert(id, payload, expiresIn) {
        const key = keyOf(id);
        entries.set(key, {
          payload,
          expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
        });
        if (model === 'Session' && payload.uid) sessionByUid.set(payload.uid, key);
        if (payload.userCode) byUserCode.set(payload.userCode, key);
        if (GRANTABLE.has(model) && payload.grantId) {
          const grantKey = keyOf(payload.grantId);
          let keys = byGrant.get(grantKey);
          if (!keys) byGrant.set(grantKey, (keys = new Set()));
          keys.add(key);
        }
        if (++writes % SWEEP_EVERY_WRITES === 0) sweep();
      },

      async find(id) {
        return live(keyOf(id))?.payload;
      },

      async findByUid(uid) {
        const key = sessionByUid.get(uid);
        return key === undefined ? undefined : live(key)?.payload;
      },

      async findByUserCode(userCode) {
        const key = byUserCode.get(userCode);
        return key === undefined ? undefined : live(key)?.payload;
      },

      async consume(id) {
        const entry = live(keyOf(id));
        // Seconds since epoch, as oidc-provider's own adapter records it.
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },

      async destroy(id) {
        entries.delete(keyOf(id));
      },

      async revokeByGrantId(grantId) {
        // oidc-provider calls this once per grantable model, so each call only
        // removes this model's entries of the grant.
        const grantKey = keyOf(grantId);
        for (const key of byGrant.get(grantKey) ?? []) entries.delete(key);
        byGrant.delete(grantKey);
      },
    };
  };
}
