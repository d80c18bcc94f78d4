/** A small trace-driven scenario on the bundled Bitbrains workload file, for the pool tests. */
import { join } from 'node:path';
import { packageRoot } from '../../src/cli/paths.js';

export const BUNDLED_WORKLOAD = join(packageRoot(), 'scenarios', 'data', 'bitbrains-rnd-2013-7.workload');

export const TRACE_YAML = `
name: traced
seed: 5
replications: 3
duration: 6h
step: 5 min
overcommit: { cpu: 4, memory: 1 }
hosts:
  - name: h
    count: 2
    cpu: { cores: 8 }
    memory: { totalGiB: 128 }
vms:
  - name: rnd
    count: 12
    vcpus: 2
    memoryGiB: 4
    workload:
      trace: { file: '${BUNDLED_WORKLOAD}', mapping: bootstrap, maxShiftHours: 1 }
      cpu: { burstMs: 20 }
cpuModel: { resolution: fleet, microWindows: 0 }
slo:
  cpuReadyPctP95: 5
`;
