/**
 * The `e` key: write the shown report where the user says (the prompt shows a default in the
 * working directory), atomically through src/output/write.ts. The path's extension picks the
 * format — `.json` (the same document `overcast run --json` prints for the same overrides), `.md`,
 * `.html` (the self-contained file `overcast run --format html` writes) — and a path without one
 * of these is a base name that gets all three. The markdown ends with the command line that
 * reproduces it.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { writeOutputs } from '../output/write.js';
import { renderDocumentHtml } from '../report/html/render-html.js';
import { reportJson, type Report } from '../report/report.js';
import { runDocument } from '../report/run-document.js';
import { renderMarkdown } from '../report/text.js';

export interface ExportRequest {
  report: Report;
  runId: number;
  /** `overcast run …` with the arguments that give the same report. */
  commandLine: string;
  cwd: string;
  /** The path typed at the prompt (relative to `cwd`, `~/` for the home directory). */
  target: string;
}

/** `20261122-213600`. */
export function fileStamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** What the prompt offers: `overcast-<scenario>-<stamp>` in the working directory (all three formats). */
export function defaultExportTarget(scenarioName: string, date: Date): string {
  return `overcast-${scenarioName.replace(/[^\w.-]+/g, '-')}-${fileStamp(date)}`;
}

export type ExportFormat = 'json' | 'md' | 'html';
const EXTENSIONS: readonly ExportFormat[] = ['json', 'md', 'html'];

/** The files a typed target names: one when it ends in .json/.md/.html, else all three. */
export function exportFiles(target: string, cwd: string): { path: string; format: ExportFormat }[] {
  const trimmed = target.trim();
  if (trimmed === '') throw new Error('no path given');
  const expanded = trimmed === '~' || trimmed.startsWith('~/') ? homedir() + trimmed.slice(1) : trimmed;
  const path = resolve(cwd, expanded);
  const ext = /\.(json|md|html)$/i.exec(path)?.[1]?.toLowerCase() as ExportFormat | undefined;
  if (ext) return [{ path, format: ext }];
  return EXTENSIONS.map((format) => ({ path: `${path}.${format}`, format }));
}

/** Writes the files the target names; returns their paths. */
export async function exportReport(request: ExportRequest): Promise<string[]> {
  const files = exportFiles(request.target, request.cwd);
  const content = (format: ExportFormat): string => {
    switch (format) {
      case 'json':
        return reportJson(request.report);
      case 'md':
        return `${renderMarkdown(request.report)}\n---\n\nExported from the overcast terminal UI (run #${request.runId}). The same report from the command line:\n\n\`\`\`sh\n${request.commandLine}\n\`\`\`\n`;
      case 'html':
        return renderDocumentHtml(runDocument(request.report));
    }
  };
  await writeOutputs(files.map((f) => ({ path: f.path, content: content(f.format) })));
  return files.map((f) => f.path);
}
