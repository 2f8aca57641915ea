import type { Pool, PoolConnection } from 'mysql2/promise';
import { isFatal } from './mysql-errors.js';

/**
 * Runs `work` on a connection of its own from the pool (for session state: a transaction, a named
 * lock). The connection goes back to the pool afterwards unless it cannot be trusted any more: a fatal
 * error broke it, or `work` called `discard` (e.g. a cleanup statement failed); then it is destroyed,
 * which also ends whatever session state it held.
 */
export async function withOwnConnection<T>(pool: Pool, work: (conn: PoolConnection, discard: () => void) => Promise<T>): Promise<T> {
  const conn = await pool.getConnection();
  let reusable = true;
  try {
    return await work(conn, () => {
      reusable = false;
    });
  } catch (error) {
    if (isFatal(error)) reusable = false;
    throw error;
  } finally {
    if (reusable) conn.release();
    else conn.destroy();
  }
}
