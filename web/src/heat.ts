/**
 * Heatmap cell colours: a cell is coloured by its worst risk level (max score); cells whose
 * flows were not assessed are grey with the worst negotiated class named in the label.
 * Text colours keep WCAG AA contrast on each fill.
 */
import type { HeatCell, RiskLevel } from './api';

const DARK_TEXT: ReadonlySet<RiskLevel> = new Set(['medium', 'low']);

export function cellStyle(c: HeatCell | undefined): string {
  if (c === undefined) return '';
  if (c.level === null) return 'background: var(--r-na); color: var(--fg);';
  const fg = DARK_TEXT.has(c.level) ? '#1b1f24' : '#ffffff';
  return `background: var(--r-${c.level}); color: ${fg};`;
}

export function cellLabel(c: HeatCell): string {
  const risk = c.level === null ? 'risk not assessed' : `risk ${c.level} (max score ${c.maxScore ?? 0})`;
  return `${c.flows} flow${c.flows === 1 ? '' : 's'}, ${risk}, worst key exchange ${c.worstClass}`;
}
