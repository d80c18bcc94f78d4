/**
 * YAML syntax errors are reported once, at the line a person would fix (src/scenarios/yaml-errors.ts).
 * The check is exhaustive on the bundled default scenario: every key and list-item line indented
 * one space too far and one too short — the usual slip. (Lines of a text block such as
 * `description: >` are left out: their indent is text, and a slip there is equally fixed on the
 * line before or after it.)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/cli/paths.js';
import { parseScenarioText } from '../../src/scenarios/load.js';

describe('YAML syntax errors', () => {
  it('a one-space indentation slip on any line of default.yaml gives one error, at that line', async () => {
    const lines = (await readFile(join(packageRoot(), 'scenarios/default.yaml'), 'utf8')).split('\n');
    const wrong: string[] = [];
    let tried = 0;
    let blockIndent = -1;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      const indent = line.length - line.trimStart().length;
      if (blockIndent >= 0 && indent > blockIndent) continue;
      blockIndent = /:\s*[>|][-+]?\s*$/.test(line) ? indent : -1;
      for (const variant of [` ${line}`, line.startsWith(' ') ? line.slice(1) : null]) {
        if (variant === null) continue;
        const copy = [...lines];
        copy[i] = variant;
        const loaded = await parseScenarioText(copy.join('\n'), 'x.yaml');
        const syntax = loaded.ok ? [] : loaded.issues.filter((x) => x.message.startsWith('invalid YAML'));
        // Some slips are still valid YAML (a value indented further, say): those are not syntax errors.
        if (syntax.length === 0) continue;
        tried++;
        if (syntax.length !== 1 || syntax[0]!.line !== i + 1) wrong.push(`line ${i + 1} as ${JSON.stringify(variant)}: ${syntax.map((x) => `${x.line}: ${x.message}`).join(' | ')}`);
      }
    }
    expect(tried).toBeGreaterThan(40);
    expect(wrong).toEqual([]);
  });

  it('says how far the line is indented and what fits; a tab is named as such', async () => {
    const bad = await parseScenarioText('name: x\nhosts:\n  - name: a\n     count: 2\n    cpu: { cores: 4 }\nvms: []\n', 'x.yaml');
    expect(bad).toMatchObject({ ok: false, issues: [{ line: 4, column: 6, message: expect.stringMatching(/^invalid YAML: this line is indented 5 spaces; 4 would fit \(/) as unknown }] });
    const tab = await parseScenarioText('name: x\nhosts:\n\t- name: a\n', 'x.yaml');
    expect(tab).toMatchObject({ ok: false, issues: [{ line: 3, message: 'invalid YAML: a tab in the indentation: YAML indents with spaces only' }] });
  });
});
