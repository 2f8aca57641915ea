import type { Summary } from '../lib/stats.js';
import { renderChart, type Panel } from './chart.js';

const LABELS: Record<string, string> = { sqlite: 'SQLite', file: 'File', postgres: 'PostgreSQL', mysql: 'MySQL (MariaDB)', mongo: 'Mongo (FerretDB)' };
const sizeLabel = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

interface OverheadEntry {
  find: Record<string, Summary>;
  save: Record<string, Summary>;
}
interface ScalingEntry {
  sizes: number[];
  nsPerOp: Record<string, Summary>;
}

/** The store-comparison chart from the measures' data (overhead and scaling panels). */
export function buildChart(measures: Record<string, unknown>, subtitle: string): string {
  // Store entries only (the overhead data also holds the core micro-measure).
  const overhead = Object.fromEntries(
    Object.entries((measures.overhead ?? {}) as Record<string, Partial<OverheadEntry>>).filter(([, e]) => e && typeof e === 'object' && e.find && e.save),
  ) as Record<string, OverheadEntry>;
  const scaling = (measures.scaling ?? {}) as Record<string, ScalingEntry>;
  const panels: Panel[] = [];
  for (const [op, key] of [['findToken', 'find'], ['saveToken (replace a record)', 'save']] as const) {
    const groups = Object.entries(overhead).map(([kind, e]) => ({
      name: LABELS[kind] ?? kind,
      bars: (
        [
          ['tokenstore', e[key].store],
          ['raw driver', e[key].raw],
          ['Zoho-style', e[key].zoho],
        ] as const
      )
        .filter(([, v]) => v !== undefined)
        .map(([series, value]) => ({ label: series, series, value: value as Summary })),
    }));
    if (groups.length) panels.push({ title: `${op}: latency per call, same table size (tokenstore vs raw driver vs Zoho-style store)`, groups });
  }
  const sgroups = Object.entries(scaling).map(([kind, e]) => ({
    name: LABELS[kind] ?? kind,
    bars: e.sizes.map((n) => ({ label: `${sizeLabel(n)} tokens`, series: sizeLabel(n), value: e.nsPerOp[sizeLabel(n)] as Summary })).filter((b) => b.value),
  }));
  if (sgroups.length) panels.push({ title: 'findToken latency by number of stored tokens', groups: sgroups });
  return renderChart('tokenstore: store comparison', subtitle, panels);
}
