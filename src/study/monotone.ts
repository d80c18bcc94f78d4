/**
 * Where a knob's own evaluations contradict the search's assumption that it is monotone
 * (./knobs.ts: raising a knob never makes an SLO metric better, so every value below a passing one
 * passes too). The search only ever looks near the boundary, so it cannot see a failure further
 * down; the risk curve around the answer can. vdi-callcenter's boot limit is the case that showed
 * it: at RAM 1:1.5 hosts are killed in every replication with 21 or 24 boots per host at once,
 * in none with 27 or 30, and again in every one from 31 on — 24 running desktops stay just under
 * the original ksmtuned's rule for starting ksmd (the later script would start it, narrowly), so
 * the next wave zeroes memory before anything is merged (docs/recommend.md, "When a knob is not
 * monotone"). An operator who lowers a recommended limit to be safe must be told when that is not
 * safer.
 */
import type { Evaluation } from './recommend.js';

/** A value below the recommendation that failed, and the judged SLOs that failed there. */
export interface FailBelow {
  value: number;
  failing: string[];
}

/**
 * The evaluated values below `recommended` at which an SLO judged at the recommendation failed,
 * ascending, each once (the search and the risk curve can decide the same value). Failures of SLOs
 * not judged at the recommendation (out of the knob's reach, found at the bottom of its range)
 * are not the knob's to explain and are left out.
 */
export function failsBelow(recommended: number | null, judged: readonly string[], evaluations: readonly Evaluation[]): FailBelow[] {
  if (recommended === null) return [];
  const byValue = new Map<number, Set<string>>();
  for (const e of evaluations) {
    if (e.value === null || !(e.value < recommended) || e.pass) continue;
    const failing = e.failing.filter((name) => judged.includes(name));
    if (failing.length === 0) continue;
    const names = byValue.get(e.value) ?? new Set<string>();
    for (const name of failing) names.add(name);
    byValue.set(e.value, names);
  }
  return [...byValue]
    .sort((a, b) => a[0] - b[0])
    .map(([value, names]) => ({ value, failing: [...names] }));
}
