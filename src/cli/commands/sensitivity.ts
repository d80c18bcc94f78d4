/**
 * `overcast sensitivity <scenario>`: which uncertain inputs (the file's ranges and the assumed
 * defaults it relies on) move each SLO metric and the verdict most: a Morris screening, then a
 * tornado of the top inputs, then what to measure next (docs/sensitivity.md).
 */
import { Option } from 'commander';
import { renderDocumentHtml } from '../../report/html/render-html.js';
import { renderDocumentMarkdown } from '../../report/render-markdown.js';
import { renderDocumentText } from '../../report/render-text.js';
import { sensitivityDocument } from '../../report/sensitivity-document.js';
import { uncertainInputs, type UncertainInput } from '../../scenarios/assumptions.js';
import { formatIssue } from '../../scenarios/issues.js';
import { runSensitivity, type SensitivityResult } from '../../study/sensitivity.js';
import { scenarioOptions, type RegisterCommand } from '../command.js';
import { EXIT_OK, UsageError } from '../exit-codes.js';
import { checkOutputOption, emit, textWidth, type CliIo } from '../io.js';
import type { ScenarioOptions } from '../scenario-arg.js';
import { createRunner, createStatusLine, loadScenarioSource, parseRangeEnds, resolveWorkers, studyInputAsync, workersOption, type ParallelOptions } from '../study-support.js';

export const SENSITIVITY_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
type SensitivityFormat = (typeof SENSITIVITY_FORMATS)[number];

export interface SensitivityCliOptions extends ScenarioOptions, ParallelOptions {
  trajectories?: string;
  screenReplications?: string;
  tornadoReplications?: string;
  top?: string;
  ends?: string;
  only?: string;
  json?: boolean;
  format?: string;
  output?: string;
  quiet?: boolean;
}

export const register: RegisterCommand = (program, { io, exit }) => {
  scenarioOptions(
    program
      .command('sensitivity')
      .description('rank the uncertain inputs (ranges and assumed defaults) by how much they move each SLO metric and the verdict')
      .argument('<scenario>', "scenario file, bundled scenario name, or '-' for standard input"),
  )
    .option('--trajectories <r>', 'Morris trajectories in the screening (each runs inputs + 1 points)', '4')
    .option('--screen-replications <k>', 'replications per screening point (common random numbers)', '1')
    .option('--tornado-replications <k>', 'replications per tornado end and for the nominal point', '3')
    .option('--top <n>', 'inputs carried into the tornado', '5')
    .option('--ends <q>', "the tornado's ends: 'range' (the ranges' ends) or a percentile such as q90 (10th and 90th)", 'range')
    .option('--only <text>', 'only inputs whose path contains this text (repeat with commas: sharedPct,boot)')
    .option('--json', 'print the result as JSON')
    .addOption(new Option('--format <format>', 'output format').choices([...SENSITIVITY_FORMATS]))
    .option('-o, --output <file>', 'write the result to a file (atomically) instead of stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addOption(workersOption())
    .action(async (scenario: string, options: SensitivityCliOptions) => {
      exit(await sensitivityCommand(scenario, options, io));
    });
};

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

export async function sensitivityCommand(scenarioArg: string, options: SensitivityCliOptions, io: CliIo): Promise<number> {
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
