/**
 * A scenario as a study varies it: the file's text plus the command line's overrides, resolved
 * again with extra `path=value` overrides for every sweep point or search candidate. Going through
 * the scenario loader (rather than editing the model scenario) means any field can be varied by
 * the name users know from the file, every value gets the file's validation, and `count: fill`
 * re-places VMs at each candidate ratio.
 */
import type { ModelScenario } from '../model/scenario.js';
import { formatIssue } from '../scenarios/issues.js';
import type { Override } from '../scenarios/overrides.js';
import { StudyInputError } from './errors.js';

export interface ScenarioSource {
  /** How the user named the scenario (a bundled name or a path), for messages. */
  label: string;
  /** The file it was read from. */
  file: string;
  text: string;
  /** Overrides from the command line (`--set`, `--seed`, `--replications`), applied first. */
  overrides: readonly Override[];
}

/** Resolves the scenario with `extra` overrides on top; `context` names the point in messages. */
export async function resolveScenario(source: ScenarioSource, extra: readonly Override[] = [], context?: string): Promise<ModelScenario> {
  // Imported on first use: the loader (zod, the schema) costs about 100 ms to load (docs/scale.md).
  const { parseScenarioText } = await import('../scenarios/load.js');
  const loaded = await parseScenarioText(source.text, source.file, { overrides: [...source.overrides, ...extra] });
  if (loaded.ok) return loaded.value;
  const shown = loaded.issues.map((issue) => formatIssue(issue.file === source.file ? { ...issue, file: source.label } : issue));
  const where = context ? ` at ${context}` : '';
  throw new StudyInputError(`${source.label}${where}: ${loaded.issues.length} problem${loaded.issues.length === 1 ? '' : 's'}\n${shown.join('\n')}`);
}

/** An override that names where it came from, e.g. `--vary overcommit.cpu=3.5`. */
export function labelledOverride(path: string, value: number | string, origin: string): Override {
  return { set: `${path}=${value}`, label: `${origin} ${path}=${value}` };
}
