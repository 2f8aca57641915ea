/** Store doubles for fault injection: a MemoryStore whose saves can be made to fail. */
import { MemoryStore, TokenStoreError, type OAuthToken } from '../../src/index.js';

export class FlakyStore extends MemoryStore {
  /** How many upcoming saveToken calls fail with STORE_UNAVAILABLE. */
  failSaves = 0;
  saves = 0;

  override async saveToken(token: OAuthToken): Promise<OAuthToken> {
    this.saves++;
    if (this.failSaves > 0) {
      this.failSaves--;
      throw new TokenStoreError('STORE_UNAVAILABLE', 'FlakyStore: save refused', { cause: new Error('connection reset') });
    }
    return super.saveToken(token);
  }
}

/** Lets tests capture every log line. */
export function captureLogger(): { logger: { debug: Log; info: Log; warn: Log; error: Log }; lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: object) => {
    lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`);
  };
  return { logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }, lines };
}

type Log = (message: string, fields?: object) => void;
