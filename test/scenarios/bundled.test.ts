// Every bundled scenario must load, place all its VMs and say what it models.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/cli/paths.js';
import { place } from '../../src/model/placement.js';
import { formatIssue } from '../../src/scenarios/issues.js';
import { loadScenarioFile } from '../../src/scenarios/load.js';

const dir = join(packageRoot(), 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('bundled scenarios', () => {
  it('include the default scenario that `npm start` runs', () => {
    expect(files).toContain('default.yaml');
  });

  it.each(files)('%s is valid, described, and places every VM', async (file) => {
    const loaded = await loadScenarioFile(join(dir, file));
    if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
    const { scenario } = loaded.value;
    expect(scenario.name).toBe(file.replace(/\.yaml$/, ''));
    expect(scenario.description?.length ?? 0).toBeGreaterThan(40);
    const placement = place(scenario);
    expect(placement.unplaced).toEqual([]);
    expect(placement.vms.length).toBeGreaterThan(0);
  });
});
