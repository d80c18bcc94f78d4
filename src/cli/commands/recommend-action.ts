/**
 * What `overcast recommend` does (./recommend.ts is its surface): parses the knobs and limits,
 * runs the search (or the robust one across the uncertain inputs) on this thread or a worker pool,
 * and writes the recommendation.
 */
import { renderDocumentHtml } from '../../report/html/render-html.js';
import { buildRecommendReport, recommendJson, type RecommendReport } from '../../report/recommend.js';
import { recommendDocument } from '../../report/recommend-document.js';
import { renderDocumentMarkdown } from '../../report/render-markdown.js';
import { renderDocumentText } from '../../report/render-text.js';
import { KNOBS, type KnobId } from '../../study/knobs.js';
import { recommend } from '../../study/recommend.js';
import { recommendRobust, type RobustResult } from '../../study/robust.js';
import { buildRobustReport, robustSection } from '../../report/robust.js';
import { uncertainInputs, type UncertainInput } from '../../scenarios/assumptions.js';
import { formatIssue } from '../../scenarios/issues.js';
import { sloExitCode, UsageError } from '../exit-codes.js';
import { checkOutputOption, emit, textWidth, type CliIo } from '../io.js';
import { createRunner, createStatusLine, loadScenarioSource, parseRangeEnds, resolveWorkers, studyInputAsync } from '../study-support.js';
import type { RecommendCliOptions, RECOMMEND_FORMATS } from './recommend.js';

/** Short names accepted by --knob. */
const KNOB_ALIASES: Record<string, KnobId> = {
  cpu: 'cpuAllocationRatio',
  ram: 'ramAllocationRatio',
  memory: 'ramAllocationRatio',
  boots: 'maxConcurrentBoots',
  boot: 'maxConcurrentBoots',
};

function parseKnobs(names: readonly string[]): KnobId[] | undefined {
  if (names.length === 0) return undefined;
  return names.map((name) => {
    const id = KNOB_ALIASES[name] ?? KNOBS.find((k) => k.id === name)?.id;
    if (!id) throw new UsageError(`--knob ${name}: unknown (choose from cpu, ram, boots)`);
    return id;
  });
}

function parseCount(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 2) throw new UsageError(`${option} ${text}: expected a whole number >= 2`);
  return Number(text);
}

/** The recommendation in a format; text is laid out to `width` columns. A robust one comes first. */
export function renderRecommendation(report: RecommendReport, format: (typeof RECOMMEND_FORMATS)[number], width: number, robust?: RobustResult): string {
  if (format === 'json') return robust ? `${JSON.stringify({ ...report, robust: buildRobustReport(robust) }, null, 2)}\n` : recommendJson(report);
  const doc = recommendDocument(report);
  if (robust) doc.sections.unshift(robustSection(robust));
  switch (format) {
    case 'markdown':
      return renderDocumentMarkdown(doc);
    case 'html':
      return renderDocumentHtml(doc);
    default:
      return renderDocumentText(doc, width);
  }
}

export async function recommendScenario(scenarioArg: string, options: RecommendCliOptions, io: CliIo): Promise<number> {
  if (options.json && options.format !== undefined && options.format !== 'json') throw new UsageError(`--json conflicts with --format ${options.format}`);
  const format = options.json ? 'json' : ((options.format ?? 'text') as (typeof RECOMMEND_FORMATS)[number]);
  const knobs = parseKnobs(options.knob ?? []);
  const maxReplications = parseCount(options.maxReplications, '--max-replications');
  const whatIf = options.whatIf === undefined ? undefined : options.whatIf.trim() === 'none' ? [] : options.whatIf.split(',').map((s) => s.trim());
  const robustEnds = options.robust === undefined ? undefined : parseRangeEnds(options.robust, '--robust', 'worst');
  await checkOutputOption(options.output, io);
  const source = await loadScenarioSource(scenarioArg, io, options);
  let inputs: UncertainInput[] = [];
  if (robustEnds) {
    const { parseScenario } = await import('../../scenarios/load.js');
    const parsed = await parseScenario(source.text, source.file, { overrides: source.overrides });
    if (!parsed.ok) throw new UsageError(parsed.issues.map(formatIssue).join('\n'));
    inputs = uncertainInputs(parsed.value.scenario, parsed.value.document, parsed.value.ranges);
    if (inputs.length === 0) throw new UsageError(`--robust: ${source.label} has no uncertain inputs (no ranges, no assumed defaults the model uses); the point recommendation is the robust one`);
  }
  const workers = resolveWorkers(options.workers, io.env);
  // Candidates come one after another, each with the scenario's replications (or more near a limit).
  const runner = createRunner(workers, Number.POSITIVE_INFINITY);
  const status = createStatusLine(io.stderr, 'recommend:', !options.quiet);
  const started = Date.now();
  let result;
  let robust: RobustResult | undefined;
  const recommendOptions = {
    ...(knobs ? { knobs } : {}),
    nPlus1: options.nPlus1 === true,
    fleet: options.asIs ? ('as-is' as const) : ('auto' as const),
    ...(maxReplications !== undefined ? { maxReplications } : {}),
    ...(whatIf ? { whatIf } : {}),
    riskCurve: options.riskCurve !== false,
    riskMethod: options.riskMethod ?? 'auto',
    onStatus: (text: string) => status.set(text),
  };
  try {
    if (robustEnds) {
      robust = await studyInputAsync(() => recommendRobust(source, runner, recommendOptions, { inputs, ends: robustEnds, probeReplications: 3 }));
      result = robust.point;
    } else result = await studyInputAsync(() => recommend(source, runner, recommendOptions));
  } finally {
    await runner.close();
  }
  status.done(
    options.quiet || !io.stderr.isTTY
      ? undefined
      : `recommend: ${result.stats.evaluations} candidates, ${result.stats.replications} replications on ${runner.workers} worker${runner.workers === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const report = buildRecommendReport(result);
  await emit(renderRecommendation(report, format, textWidth(io, options.output !== undefined), robust), options.output, io);
  // CI gate: today's settings, judged as the fleet grows into them (--fail-on-slo: a FAIL;
  // --strict-slo: also NOT DEMONSTRATED).
  return sloExitCode(result.current.evaluation.verdict, options);
}
