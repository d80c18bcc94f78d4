/**
 * `overcast recommend <scenario>`: the largest CPU allocation ratio, RAM allocation ratio and
 * concurrent-boot limit for which every SLO holds at 95 % confidence, with the binding SLO, the
 * margin, a risk curve, what would move it and config to paste (docs/recommend.md). The command's
 * surface; the search is in ./recommend-action.ts, loaded when it runs.
 */
import { Option } from 'commander';
import { KNOBS } from '../../study/knobs.js';
import { DEFAULT_MOVERS, MOVERS } from '../../study/movers.js';
import { scenarioOptions, sloGateOptions, type RegisterCommand } from '../command.js';
import type { SloGateOptions } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { ScenarioOptions } from '../scenario-arg.js';
import type { RiskMethodOption } from '../../study/risk.js';
import { riskMethodOption, workersOption, type ParallelOptions } from '../study-options.js';

export const RECOMMEND_FORMATS = ['text', 'json', 'markdown', 'html'] as const;

export interface RecommendCliOptions extends ScenarioOptions, ParallelOptions, SloGateOptions {
  knob?: string[];
  nPlus1?: boolean;
  asIs?: boolean;
  maxReplications?: string;
  whatIf?: string;
  riskCurve?: boolean;
  riskMethod?: RiskMethodOption;
  json?: boolean;
  format?: string;
  output?: string;
  quiet?: boolean;
  robust?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, ...value.split(',').map((s) => s.trim())];

export const register: RegisterCommand = (program, { io, exit }) => {
  const command = scenarioOptions(
    program
      .command('recommend')
      .description('find the largest CPU ratio, RAM ratio and boot limit for which every SLO holds at 95 % confidence, with config to paste')
      .argument('<scenario>', "scenario file, bundled scenario name, or '-' for standard input"),
  )
    .option('--knob <name>', `knobs to search: cpu, ram, boots or ${KNOBS.map((k) => k.id).join(', ')} (repeatable; default all)`, collect, [])
    .option('--n-plus-1', 'require the SLOs to hold with the largest host down (N+1)')
    .option('--as-is', 'keep the VM counts as written instead of filling the hosts at each candidate')
    .option('--max-replications <n>', 'most replications per candidate near a limit (default 4 × the scenario’s)')
    .option('--what-if <list>', `"what would move it" searches: ${MOVERS.map((m) => m.id).join(', ')} or none (default ${DEFAULT_MOVERS.join(',')})`)
    .option('--no-risk-curve', 'skip the risk curve around each recommendation')
    .option('--robust <ends>', "judge across the uncertain inputs (ranges and assumed defaults): 'worst' at the ranges' ends, or a percentile such as q90")
    .option('--json', 'print the recommendation as one JSON document (see docs/recommend.md)')
    .addOption(new Option('--format <format>', 'output format (html: one self-contained file with the risk curves)').choices([...RECOMMEND_FORMATS]))
    .option('-o, --output <file>', 'write the output to a file (atomically) instead of stdout');
  // The gates judge the scenario's own settings once the hosts fill up to them.
  sloGateOptions(command)
    .option('-q, --quiet', 'no progress on stderr')
    .addOption(workersOption())
    .addOption(riskMethodOption())
    .action(async (scenario: string, options: RecommendCliOptions) => {
      exit(await recommendCommand(scenario, options, io));
    });
};

/** Searches the knobs and writes the recommendation (./recommend-action.ts); returns the exit code. */
export async function recommendCommand(scenarioArg: string, options: RecommendCliOptions, io: CliIo): Promise<number> {
  const { recommendScenario } = await import('./recommend-action.js');
  return recommendScenario(scenarioArg, options, io);
}
