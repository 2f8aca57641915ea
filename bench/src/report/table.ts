import type { Row } from '../lib/results.js';

const HEAD = ['Measure', 'Case', 'tokenstore', 'Baseline', 'Result: median (IQR)', 'Target', 'Met'];

const metCell = (met: boolean | null) => (met === null ? '-' : met ? 'yes' : '**no**');
const esc = (s: string) => s.replace(/\|/g, '\\|');

/** A GitHub-flavoured Markdown table (what BENCHMARKS.md shows and the terminal prints). */
export function markdownTable(rows: readonly Row[]): string {
  const lines = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => ' --- ').join('|')}|`];
  for (const r of rows) lines.push(`| ${[r.measure, r.case, r.subject, r.baseline, r.result, r.target, metCell(r.met)].map(esc).join(' | ')} |`);
  return lines.join('\n');
}

/** The terminal version: one block per row, so long cells stay readable in 100 columns. */
export function terminalTable(rows: readonly Row[]): string {
  const out: string[] = [];
  let measure = '';
  for (const r of rows) {
    if (r.measure !== measure) {
      measure = r.measure;
      out.push('', `== ${measure}`);
    }
    const mark = r.met === null ? '  ' : r.met ? 'ok' : 'NO';
    out.push(`[${mark}] ${r.case}`);
    out.push(`     tokenstore: ${r.subject}`);
    out.push(`     baseline:   ${r.baseline}`);
    out.push(`     result:     ${r.result}${r.target !== '-' ? `   (target ${r.target})` : ''}`);
  }
  return out.join('\n');
}
