/**
 * `overcast recommend <scenario>`: the largest CPU allocation ratio, RAM allocation ratio and
 * concurrent-boot limit for which every SLO holds at 95 % confidence, with the binding SLO, the
 * margin, a risk curve, what would move it and config to paste (docs/recommend.md).
 */
import { resolve } from 'node:path';
import { Option } from 'commander';
import { buildRecommendReport, recommendJson, renderRecommendText } from '../../report/recommend.js';
import { KNOBS, type KnobId } from '../../study/knobs.js';
import { MOVERS } from '../../study/movers.js';
import { recommend } from '../../study/recommend.js';
import { scenarioOptions, type RegisterCommand } from '../command.js';
import { EXIT_OK, EXIT_SLO, UsageError } from '../exit-codes.js';
import { writeFileAtomic, type CliIo } from '../io.js';
import type { ScenarioOptions } from '../scenario-arg.js';
import { createRunner, createStatusLine, loadScenarioSource, resolveWorkers, studyInputAsync, workersOption, type ParallelOptions } from '../study-support.js';

export interface RecommendCliOptions extends ScenarioOptions, ParallelOptions {
  knob?: string[];
  nPlus1?: boolean;
  asIs?: boolean;
  maxReplications?: string;
  whatIf?: string;
  riskCurve?: boolean;
  json?: boolean;
  format?: string;
  output?: string;
  failOnSlo?: boolean;
  quiet?: boolean;
}

/** Short names accepted by --knob. */
const KNOB_ALIASES: Record<string, KnobId> = {
  cpu: 'cpuAllocationRatio',
  ram: 'ramAllocationRatio',
  memory: 'ramAllocationRatio',
  boots: 'maxConcurrentBoots',
  boot: 'maxConcurrentBoots',
};

const collect = (value: string, previous: string[]): string[] => [...previous, ...value.split(',').map((s) => s.trim())];

export const register: RegisterCommand = (program, { io, exit }) => {
  scenarioOptions(
    program
      .command('recommend')
      .description('find the largest CPU ratio, RAM ratio and boot limit for which every SLO holds at 95 % confidence, with config to paste')
      .argument('<scenario>', 'scenario file or bundled scenario name'),
  )
    .option('--knob <name>', `knobs to search: cpu, ram, boots or ${KNOBS.map((k) => k.id).join(', ')} (repeatable; default all)`, collect, [])
    .option('--n-plus-1', 'require the SLOs to hold with the largest host down (N+1)')
    .option('--as-is', 'keep the VM counts as written instead of filling the hosts at each candidate')
    .option('--max-replications <n>', 'most replications per candidate near a limit (default 4 × the scenario’s)')
    .option('--what-if <list>', `"what would move it" searches: ${MOVERS.map((m) => m.id).join(', ')} or none (default load+20,n+1)`)
    .option('--no-risk-curve', 'skip the risk curve around each recommendation')
    .option('--json', 'print the recommendation as one JSON document (see docs/recommend.md)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']))
    .option('-o, --output <file>', 'write the output to a file (atomically) instead of stdout')
    .option('--fail-on-slo', 'exit with code 3 when the scenario’s own settings break an SLO once the hosts fill up to them')
    .option('-q, --quiet', 'no progress on stderr')
    .addOption(workersOption())
    .action(async (scenario: string, options: RecommendCliOptions) => {
      exit(await recommendCommand(scenario, options, io));
    });
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

export async function recommendCommand(scenarioArg: string, options: RecommendCliOptions, io: CliIo): Promise<number> {
  if (options.json && options.format === 'text') throw new UsageError('--json conflicts with --format text');
  const json = options.json === true || options.format === 'json';
  const knobs = parseKnobs(options.knob ?? []);
  const maxReplications = parseCount(options.maxReplications, '--max-replications');
  const whatIf = options.whatIf === undefined ? undefined : options.whatIf.trim() === 'none' ? [] : options.whatIf.split(',').map((s) => s.trim());
  const source = await loadScenarioSource(scenarioArg, io.cwd, options);
  const workers = resolveWorkers(options.workers, io.env);
  // Candidates come one after another, each with the scenario's replications (or more near a limit).
  const runner = createRunner(workers, Number.POSITIVE_INFINITY);
  const status = createStatusLine(io.stderr, 'recommend:', !options.quiet);
  const started = Date.now();
  let result;
  try {
    result = await studyInputAsync(() =>
      recommend(source, runner, {
        ...(knobs ? { knobs } : {}),
        nPlus1: options.nPlus1 === true,
        fleet: options.asIs ? 'as-is' : 'auto',
        ...(maxReplications !== undefined ? { maxReplications } : {}),
        ...(whatIf ? { whatIf } : {}),
        riskCurve: options.riskCurve !== false,
        onStatus: (text) => status.set(text),
      }),
    );
  } finally {
    await runner.close();
  }
  status.done(
    options.quiet || !io.stderr.isTTY
      ? undefined
      : `recommend: ${result.stats.evaluations} candidates, ${result.stats.replications} replications on ${runner.workers} worker${runner.workers === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const report = buildRecommendReport(result);
  const text = json ? recommendJson(report) : renderRecommendText(report);
  if (options.output) await writeFileAtomic(resolve(io.cwd, options.output), text);
  else io.stdout.write(text);

  // CI gate: today's settings must meet every SLO when the fleet grows into them.
  const unsafe = !result.current.evaluation.pass;
  return options.failOnSlo && unsafe ? EXIT_SLO : EXIT_OK;
}
