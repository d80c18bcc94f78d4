/**
 * The robust recommendation (../study/robust.ts) for reports: a JSON form beside the point
 * recommendation's, and a section that comes first in the document — each knob's robust value
 * against the point one, the corner and the assumption that limit it, and the config to paste.
 */
import { describeRange } from '../scenarios/ranges.js';
import { KNOBS } from '../study/knobs.js';
import type { RobustResult } from '../study/robust.js';
import { configSnippets } from './config-snippets.js';
import { line, tableBlock, warn, type Block, type Section } from './document.js';
import { fmt } from './format.js';

export interface RobustReport {
  ends: string;
  inputs: { path: string; range: string; origin: 'file' | 'default' }[];
  knobs: { id: string; point: number | null; robust: number | null; limitingSlo: string | null; limitingInput: string | null; atCorners: Record<string, number | null> }[];
  corners: { slo: string; settings: { path: string; end: 'low' | 'high'; value: number | string }[] }[];
}

function endsText(ends: [number, number]): string {
  return ends[0] === 0 ? 'the ranges’ ends (worst case)' : `the ${Math.round(ends[0] * 100)}th and ${Math.round(ends[1] * 100)}th percentiles (q${Math.round(ends[1] * 100)})`;
}

export function buildRobustReport(robust: RobustResult): RobustReport {
  return {
    ends: endsText(robust.ends),
    inputs: robust.inputs.map((i) => ({ path: i.path, range: describeRange(i.distribution, i.unit), origin: i.origin })),
    knobs: robust.knobs.map((k) => ({
      id: k.id,
      point: k.point,
      robust: k.robust,
      limitingSlo: k.limitingCorner,
      limitingInput: k.limitingInput === null ? null : robust.inputs[k.limitingInput]!.path,
      atCorners: k.atCorners,
    })),
    corners: robust.corners.map((c) => ({ slo: c.slo, settings: c.settings.map((s) => ({ path: robust.inputs[s.input]!.path, end: s.end, value: s.value })) })),
  };
}

/** The config to paste at the robust values (the point result's snippets with the values swapped). */
export function robustNovaConf(robust: RobustResult): string {
  const values = { ...robust.point.combined.values };
  for (const k of robust.knobs) values[k.id] = k.robust;
  return configSnippets({ ...robust.point, combined: { ...robust.point.combined, values } }).novaConf;
}

export function robustSection(robust: RobustResult): Section {
  const report = buildRobustReport(robust);
  const blocks: Block[] = [
    line(`Judged across ${report.inputs.length} uncertain inputs at ${report.ends}: for each SLO, every input at the end that is adverse for it (found by a probe of each input at either end), then the recommender on that corner. A knob's robust value is its smallest over the nominal scenario and the corners, never above the point recommendation.`),
  ];
  const label = (id: string): string => KNOBS.find((k) => k.id === id)?.label ?? id;
  blocks.push(
    tableBlock(
      ['knob', 'point', 'robust', 'limited by', 'assumption that limits it'],
      report.knobs.map((k) => [label(k.id), fmt(k.point), fmt(k.robust), k.limitingSlo ?? 'nominal scenario', k.limitingInput ?? '—']),
    ),
  );
  for (const c of report.corners) {
    blocks.push(line(`Corner for ${c.slo}: ${c.settings.map((s) => `${s.path} ${s.value} (${s.end})`).join(', ')}.`, 2));
  }
  const moved = report.knobs.filter((k) => k.point !== null && k.robust !== k.point);
  if (moved.length > 0) {
    blocks.push(warn(`The point recommendation holds only if the assumptions hold: ${moved.map((k) => `${label(k.id)} ${fmt(k.point)} → ${fmt(k.robust)} (${k.limitingInput ?? k.limitingSlo})`).join('; ')}. Measure the named assumption (\`overcast sensitivity\` says how) to recover the difference.`));
  }
  blocks.push({ kind: 'code', title: 'nova.conf at the robust values', text: robustNovaConf(robust) });
  return { key: 'robust', title: 'Robust recommendation', detail: report.ends, blocks };
}
