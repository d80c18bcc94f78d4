/**
 * What `overcast sensitivity` does (./sensitivity.ts is its surface): reads the uncertain inputs,
 * screens them, runs the tornado on this thread or a worker pool, and writes the result.
 */
import { renderDocumentHtml } from '../../report/html/render-html.js';
import { renderDocumentMarkdown } from '../../report/render-markdown.js';
import { renderDocumentText } from '../../report/render-text.js';
import { sensitivityDocument } from '../../report/sensitivity-document.js';
import { uncertainInputs, type UncertainInput } from '../../scenarios/assumptions.js';
import { formatIssue } from '../../scenarios/issues.js';
import { runSensitivity, type SensitivityResult } from '../../study/sensitivity.js';
import { EXIT_OK, UsageError } from '../exit-codes.js';
import { checkOutputOption, emit, textWidth, type CliIo } from '../io.js';
import { createRunner, createStatusLine, loadScenarioSource, parseRangeEnds, resolveWorkers, studyInputAsync } from '../study-support.js';
import type { SensitivityCliOptions, SensitivityFormat } from './sensitivity.js';

function count(text: string | undefined, option: string, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text.trim()) || value < min || value > max) throw new UsageError(`${option} ${text ?? ''}: expected a whole number from ${min} to ${max}`);
  return value;
}

export function renderSensitivity(result: SensitivityResult, format: SensitivityFormat, width: number, elapsedSeconds?: number): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
    case 'markdown':
      return renderDocumentMarkdown(sensitivityDocument(result, elapsedSeconds));
    case 'html':
      return renderDocumentHtml(sensitivityDocument(result, elapsedSeconds));
    default:
      return renderDocumentText(sensitivityDocument(result, elapsedSeconds), width);
  }
}

export async function runSensitivityCommand(scenarioArg: string, options: SensitivityCliOptions, io: CliIo): Promise<number> {
  if (options.json && options.format !== undefined && options.format !== 'json') throw new UsageError(`--json conflicts with --format ${options.format}`);
  const format: SensitivityFormat = options.json ? 'json' : ((options.format ?? (options.output?.endsWith('.json') ? 'json' : options.output?.endsWith('.md') ? 'markdown' : options.output?.endsWith('.html') ? 'html' : 'text')) as SensitivityFormat);
  const trajectories = count(options.trajectories ?? '4', '--trajectories', 2, 100);
  const screenReplications = count(options.screenReplications ?? '1', '--screen-replications', 1, 1000);
  const tornadoReplications = count(options.tornadoReplications ?? '3', '--tornado-replications', 1, 1000);
  const top = count(options.top ?? '5', '--top', 1, 50);
  const ends = parseRangeEnds(options.ends ?? 'range', '--ends', 'range');
  await checkOutputOption(options.output, io);
  const source = await loadScenarioSource(scenarioArg, io, options);
  const { parseScenario } = await import('../../scenarios/load.js');
  const parsed = await parseScenario(source.text, source.file, { overrides: source.overrides });
  if (!parsed.ok) throw new UsageError(parsed.issues.map(formatIssue).join('\n'));
  let inputs: UncertainInput[] = uncertainInputs(parsed.value.scenario, parsed.value.document, parsed.value.ranges);
  if (options.only !== undefined) {
    const words = options.only.split(',').map((w) => w.trim()).filter((w) => w !== '');
    inputs = inputs.filter((i) => words.some((w) => i.path.includes(w)));
  }
  if (inputs.length === 0) {
    throw new UsageError(`${source.label}: no uncertain inputs${options.only !== undefined ? ` match --only ${options.only}` : ''}: write a range in the scenario, e.g. sharedPct: { triangular: [10, 25, 40] } (\`overcast validate ${scenarioArg} --ranges\` lists them)`);
  }
  const workers = resolveWorkers(options.workers, io.env);
  const runner = createRunner(workers, Number.POSITIVE_INFINITY);
  const status = createStatusLine(io.stderr, 'sensitivity:', !options.quiet);
  const started = Date.now();
  let result: SensitivityResult;
  try {
    result = await studyInputAsync(() =>
      runSensitivity(source, parsed.value.scenario, inputs, runner, {
        trajectories,
        screenReplications,
        tornadoReplications,
        top,
        ends,
        onProgress: (stage, done, total) => status.set(`${stage} ${done}/${total}`),
      }),
    );
  } finally {
    await runner.close();
  }
  const elapsed = (Date.now() - started) / 1000;
  status.done(options.quiet || !io.stderr.isTTY ? undefined : `sensitivity: ${inputs.length} inputs, ${result.replicationsRun} replications on ${runner.workers} worker${runner.workers === 1 ? '' : 's'} in ${elapsed.toFixed(1)} s`);
  await emit(renderSensitivity(result, format, textWidth(io, options.output !== undefined), format === 'json' ? undefined : elapsed), options.output, io);
  return EXIT_OK;
}
