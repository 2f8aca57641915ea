/** What every Zoho import returns: counts, the stored tokens, and the rows it did not import and why. */
import type { OAuthToken } from '@tokenstore/core';

export interface ZohoImportProblem {
  /** CSV: the 1-based line of the file. Table: the 1-based position of the row in `ORDER BY id`. */
  line: number;
  /** Why the row was not imported. Never contains a cell's value (they are secrets). */
  reason: string;
}

export interface ZohoImportResult {
  /** Rows saved (a row matching an existing record updates it: importing twice changes nothing). */
  imported: number;
  /** Rows not imported; each is in `problems`. */
  skipped: number;
  problems: ZohoImportProblem[];
  /** The stored tokens, in source order. */
  tokens: OAuthToken[];
}

export interface ZohoImportOptions {
  /**
   * true: any problem row rejects the whole import with INVALID_ARGUMENT (naming the lines) before
   * anything is written. Default false: problem rows are reported and the others imported.
   */
  strict?: boolean;
}
