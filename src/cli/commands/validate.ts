/**
 * `overcast validate <scenario>`: checks a scenario without simulating it. Prints what it would
 * simulate (hosts, VMs placed and unplaced, ratios), or every problem with file:line:column.
 * `--resolved` prints the scenario as the model sees it (defaults filled, units converted).
 */
import { place } from '../../model/placement.js';
import { scenarioOptions, type RegisterCommand } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { loadScenarioArg, type ScenarioOptions } from '../scenario-arg.js';

export interface ValidateOptions extends ScenarioOptions {
  resolved?: boolean;
}

export const register: RegisterCommand = (program, { io, exit }) => {
  scenarioOptions(program.command('validate').description('check a scenario and show what would be simulated, without running it').argument('<scenario>', 'scenario file or bundled scenario name'))
    .option('--resolved', 'print the scenario as the model sees it (defaults filled in, units converted), as JSON')
    .action(async (scenario: string, options: ValidateOptions) => {
      exit(await validateCommand(scenario, options, io));
    });
};

export async function validateCommand(scenarioArg: string, options: ValidateOptions, io: CliIo): Promise<number> {
  const { scenario } = await loadScenarioArg(scenarioArg, io.cwd, options);
  if (options.resolved) {
    io.stdout.write(`${JSON.stringify(scenario, null, 2)}\n`);
    return EXIT_OK;
  }
  const placement = place(scenario);
  const pcpus = placement.hosts.reduce((s, h) => s + h.pcpus, 0);
  const vcpus = placement.hosts.reduce((s, h) => s + h.vcpusAllocated, 0);
  const unplaced = placement.unplaced.reduce((s, u) => s + u.count, 0);
  io.stdout.write(
    `${scenarioArg}: ok — ${scenario.name}: ${placement.hosts.length} hosts, ${placement.vms.length} VMs placed, ${unplaced} unplaced, vCPU:pCPU ${(vcpus / pcpus).toFixed(2)}\n`,
  );
  for (const u of placement.unplaced) io.stdout.write(`  ! ${u.count} VMs of group ${u.group} do not fit (${u.reason})\n`);
  return EXIT_OK;
}
