/**
 * `overcast validate <scenario>`: checks a scenario without simulating it. Prints what it would
 * simulate (hosts, VMs placed, ratios), or every problem with file:line:column. Placement is
 * exact, so it is checked here too: VMs that fit no host beyond `slo.unplacedVms` (0 unless the
 * scenario allows some) make every run FAIL, and validate says which group and why, and exits 2.
 * `--resolved` prints the scenario as the model sees it (defaults filled, units converted).
 */
import { scenarioOptions, type RegisterCommand } from '../command.js';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { loadScenarioArg, STDIN_ARG, STDIN_LABEL, type ScenarioOptions } from '../scenario-arg.js';

export interface ValidateOptions extends ScenarioOptions {
  resolved?: boolean;
  ranges?: boolean;
}

export const register: RegisterCommand = (program, { io, exit }) => {
  scenarioOptions(
    program
      .command('validate')
      .description('check a scenario and show what would be simulated, without running it')
      .argument('<scenario>', "scenario file, bundled scenario name, or '-' for standard input"),
  )
    .option('--resolved', 'print the scenario as the model sees it (defaults filled in, units converted), as JSON')
    .option('--ranges', 'list every uncertain input: the ranges the file writes and the assumed defaults it relies on')
    .action(async (scenario: string, options: ValidateOptions) => {
      exit(await validateCommand(scenario, options, io));
    });
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function validateCommand(scenarioArg: string, options: ValidateOptions, io: CliIo): Promise<number> {
  const { scenario, ranges, document } = await loadScenarioArg(scenarioArg, io, options);
  // Imported when it runs: registering the command (all `overcast --help` needs) loads no model.
  const [{ place }, { sloLimit }, { explainUnplaced }, { describeInput, uncertainInputs }] = await Promise.all([
    import('../../model/placement.js'),
    import('../../model/slo.js'),
    import('../../report/unplaced.js'),
    import('../../scenarios/assumptions.js'),
  ]);
  const label = scenarioArg === STDIN_ARG ? STDIN_LABEL : scenarioArg;
  if (options.resolved) {
    io.stdout.write(`${JSON.stringify(scenario, null, 2)}\n`);
    return EXIT_OK;
  }
  const placement = place(scenario);
  const pcpus = placement.hosts.reduce((s, h) => s + h.pcpus, 0);
  const vcpus = placement.hosts.reduce((s, h) => s + h.vcpusAllocated, 0);
  const unplaced = placement.unplaced.reduce((s, u) => s + u.count, 0);
  const allowed = sloLimit(scenario.slo, 'unplacedVms') ?? 0;
  const summary = `${scenario.name}: ${plural(placement.hosts.length, 'host')}, ${plural(placement.vms.length, 'VM')} placed, ${unplaced} unplaced, vCPU:pCPU ${(vcpus / pcpus).toFixed(2)}`;
  const reasons = placement.unplaced.map((u) => `  ! group ${u.group}: ${plural(u.count, 'VM')} fit no host: ${explainUnplaced(u, scenario, placement)}\n`);
  if (unplaced > allowed) {
    io.stderr.write(
      `overcast: ${label}: ${plural(unplaced, 'VM')} fit no host, so every run's verdict is FAIL (unplacedVms ${unplaced} > limit ${allowed}; set slo.unplacedVms to allow some)\n${reasons.join('')}`,
    );
    io.stdout.write(`${label}: not ok — ${summary}\n`);
    return EXIT_USAGE;
  }
  io.stdout.write(`${label}: ok — ${summary}\n`);
  for (const r of reasons) io.stdout.write(r);
  if (unplaced > 0) io.stdout.write(`  (within slo.unplacedVms ${allowed})\n`);
  const inputs = uncertainInputs(scenario, document, ranges);
  const fromFile = inputs.filter((i) => i.origin === 'file').length;
  if (options.ranges) {
    io.stdout.write(`uncertain inputs (${fromFile} range${fromFile === 1 ? '' : 's'} in the file, ${inputs.length - fromFile} assumed default${inputs.length - fromFile === 1 ? '' : 's'}; runs use the nominal values):\n`);
    for (const input of inputs) io.stdout.write(`  ${describeInput(input)}\n`);
  } else if (inputs.length > 0) {
    io.stdout.write(`  ${plural(inputs.length, 'uncertain input')} (${fromFile} range${fromFile === 1 ? '' : 's'} in the file, ${inputs.length - fromFile} assumed default${inputs.length - fromFile === 1 ? '' : 's'}): --ranges lists them; \`overcast sensitivity\` shows what they move\n`);
  }
  return EXIT_OK;
}
