/**
 * The `e` key: write the shown report as JSON (the same document `overcast run --json` prints for
 * the same overrides) and as markdown, atomically, into the working directory. The markdown ends
 * with the command line that reproduces it.
 */
import { join } from 'node:path';
import { writeOutputs } from '../output/write.js';
import { reportJson, type Report } from '../report/report.js';
import { renderMarkdown } from '../report/text.js';

export interface ExportRequest {
  report: Report;
  runId: number;
  /** `overcast run …` with the arguments that give the same report. */
  commandLine: string;
  cwd: string;
  /** When, for the file names (local time). */
  date: Date;
}

/** `20261122-213600`. */
export function fileStamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** Writes `overcast-<scenario>-<stamp>.json` and `.md`; returns their paths. */
export async function exportReport(request: ExportRequest): Promise<string[]> {
  const name = request.report.scenario.name.replace(/[^\w.-]+/g, '-');
  const base = join(request.cwd, `overcast-${name}-${fileStamp(request.date)}`);
  const markdown = `${renderMarkdown(request.report)}\n---\n\nExported from the overcast terminal UI (run #${request.runId}). The same report from the command line:\n\n\`\`\`sh\n${request.commandLine}\n\`\`\`\n`;
  await writeOutputs([
    { path: `${base}.json`, content: reportJson(request.report) },
    { path: `${base}.md`, content: markdown },
  ]);
  return [`${base}.json`, `${base}.md`];
}
