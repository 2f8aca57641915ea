import type { StoreKind } from '../lib/config.js';
import type { StoreAdapter } from './types.js';

/** Adapters are imported lazily: a store whose package is not built does not stop the others. */
export async function adapterFor(kind: StoreKind): Promise<StoreAdapter> {
  switch (kind) {
    case 'memory':
      return (await import('./memory.js')).memoryAdapter;
    case 'sqlite':
      return (await import('./sqlite.js')).sqliteAdapter;
    case 'file':
      return (await import('./file.js')).fileAdapter;
    case 'postgres':
      return (await import('./postgres.js')).postgresAdapter;
    case 'mysql':
      return (await import('./mysql.js')).mysqlAdapter;
    case 'mongo':
      return (await import('./mongo.js')).mongoAdapter;
  }
}

/** The adapters usable now, and why the others are not. */
export async function usableAdapters(kinds: readonly StoreKind[]): Promise<{ usable: StoreAdapter[]; skipped: { kind: StoreKind; why: string }[] }> {
  const usable: StoreAdapter[] = [];
  const skipped: { kind: StoreKind; why: string }[] = [];
  for (const kind of kinds) {
    let adapter: StoreAdapter;
    try {
      adapter = await adapterFor(kind);
    } catch (error) {
      skipped.push({ kind, why: `adapter failed to load: ${(error as Error).message}` });
      continue;
    }
    const why = await adapter.unavailable();
    if (why === null) usable.push(adapter);
    else skipped.push({ kind, why });
  }
  return { usable, skipped };
}
