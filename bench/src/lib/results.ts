/** One line of the printed table (and of BENCHMARKS.md). */
export interface Row {
  measure: string;
  case: string;
  subject: string;
  baseline: string;
  /** The comparison, e.g. "142x (120-150)" or "1 vs 100 requests". */
  result: string;
  target: string;
  /** true met, false missed, null: no target (informational). */
  met: boolean | null;
}

export interface MeasureResult {
  rows: Row[];
  /** Everything measured, for latest.json. */
  data: unknown;
  /** Targets missed or cases skipped, with the measured reason. */
  notes: string[];
  seconds?: number;
}

export const skipRow = (measure: string, kase: string, why: string): Row => ({
  measure,
  case: kase,
  subject: 'skipped',
  baseline: '-',
  result: why,
  target: '-',
  met: null,
});
