/**
 * The scenario file format: one zod schema that validates user files, gives the TypeScript types,
 * publishes the JSON Schema for editors (`overcast schema`) and generates the field reference in
 * docs/scenarios.md (scripts/gen-docs.ts). Its output is the model's `ModelScenario`, checked at
 * compile time below, so the file format and the model cannot drift apart silently.
 *
 * Conventions:
 * - A field whose name ends in a unit (`memoryGiB`, `burstMs`, `utilPct`) holds a number in that
 *   unit; where a conversion makes sense it also accepts a quantity string (`memoryGiB: 4096 MiB`).
 * - A field without a unit in its name that holds a quantity (`duration`, `step`) takes a string
 *   with its unit (`24h`, `5 min`); there is no silent default unit.
 * - Objects are strict: an unknown key is an error (a misspelt knob must not be ignored).
 * - Defaults follow the software's own defaults where one exists (nova, Linux CFS), cited inline.
 */
import * as z from 'zod';
import type { ModelScenario, Slo } from '../model/scenario.js';
import { SLO_DEFINITIONS } from '../model/slo.js';
import { DISTRIBUTIONS } from '../model/random/distributions.js';
import { SCHEDULER_POLICIES } from '../model/cpu/scheduler.js';
import { MEMORY_GIB, TIME_MS, TIME_SECONDS, type Dimension, type UnitParser } from './units.js';
import { PROFILE_PRESETS, resolveProfile } from './profiles.js';

/** Extra metadata the docs generator and JSON Schema carry beside zod's own. */
interface FieldMeta {
  description: string;
  /** Unit of the stored value, when it has one. */
  unit?: string;
  /** How the default reads in the docs when the stored default is a converted number. */
  defaultText?: string;
  /** What the field accepts, in words, where the schema's type says too little. */
  accepts?: string;
}

const DURATION_ACCEPTS = "a time with its unit, e.g. '24h', '5 min', '20s'";

const meta = (m: FieldMeta): FieldMeta & Record<string, unknown> => ({ ...m });

/**
 * A number in `dimension.unit`, or a quantity string converted to it. Without a unit parser (JSON
 * Schema generation, files without unit strings) a string is an error naming the expected form.
 */
function quantity(units: UnitParser | undefined, dimension: Dimension) {
  return z.union([z.number(), z.string()]).transform((value, ctx): number => {
    if (typeof value === 'number') return value;
    if (!units) {
      ctx.addIssue({ code: 'custom', message: `expected ${dimension.name} such as ${dimension.example}, found '${value}'`, input: value });
      return z.NEVER;
    }
    const converted = units.convert(value, dimension);
    if (!converted.ok) {
      ctx.addIssue({ code: 'custom', message: converted.message, input: value });
      return z.NEVER;
    }
    return converted.value;
  });
}

/** A duration that must carry its unit when written as text; a bare number is refused. */
function duration(units: UnitParser | undefined) {
  return z
    .union([z.string(), z.number()])
    .superRefine((value, ctx) => {
      if (typeof value === 'number') {
        ctx.addIssue({ code: 'custom', message: `expected a time with its unit such as ${TIME_SECONDS.example}, found ${value} (no unit)`, input: value });
      }
    })
    .pipe(quantity(units, TIME_SECONDS));
}

export function createScenarioSchema(units?: UnitParser) {
  const positiveGiB = quantity(units, MEMORY_GIB).pipe(z.number().positive());
  const nonNegativeGiB = quantity(units, MEMORY_GIB).pipe(z.number().nonnegative());
  const positiveMs = quantity(units, TIME_MS).pipe(z.number().positive());

  const hostGroup = z.strictObject({
    name: z.string().min(1).meta(meta({ description: 'Host group name; hosts are named `<name>-1`, `<name>-2`, …' })),
    count: z.int().min(1).default(1).meta(meta({ description: 'Number of identical hosts in the group.' })),
    cpu: z
      .strictObject({
        cores: z.int().min(1).meta(meta({ description: 'CPUs the hypervisor schedules on (count hyper-threads if the host has SMT on).', unit: 'cores' })),
        reservedCores: z
          .int()
          .min(0)
          .default(0)
          .meta(meta({ description: 'CPUs kept for the host OS (nova `reserved_host_cpus`, default 0); not offered to VMs.', unit: 'cores' })),
      })
      .meta(meta({ description: 'CPU of each host.' })),
    memory: z
      .strictObject({
        totalGiB: positiveGiB.meta(meta({ description: 'Installed RAM.', unit: 'GiB' })),
        reservedGiB: nonNegativeGiB
          .default(0.5)
          .meta(meta({ description: 'RAM kept for the host (nova `reserved_host_memory_mb`, default 512 MB).', unit: 'GiB', defaultText: '0.5' })),
        swapGiB: nonNegativeGiB.default(0).meta(meta({ description: 'Host swap space.', unit: 'GiB', defaultText: '0' })),
      })
      .meta(meta({ description: 'Memory of each host.' })),
  });

  const cpuWorkload = z.strictObject({
    utilPct: z
      .number()
      .min(0)
      .max(100)
      .meta(meta({ description: 'Mean uncontended utilisation of each vCPU over the day (what it would use alone on the host).', unit: '%' })),
    burstMs: positiveMs
      .default(10)
      .meta(meta({ description: 'Mean CPU burst: how long a vCPU stays runnable once woken. Short (1–10 ms) for interactive desktops and web servers, long (100 ms+) for batch.', unit: 'ms', defaultText: '10' })),
    burstDistribution: z.enum(DISTRIBUTIONS).default('exponential').meta(meta({ description: 'Distribution of burst lengths.' })),
    burstCv: z
      .number()
      .nonnegative()
      .default(1)
      .meta(meta({ description: 'Coefficient of variation (sd/mean) of bursts, for `gamma`, `lognormal` and `hyperexponential` (>= 1).' })),
    gapDistribution: z.enum(DISTRIBUTIONS).default('exponential').meta(meta({ description: 'Distribution of idle gaps between bursts; their mean follows from `burstMs` and the utilisation.' })),
    gapCv: z.number().nonnegative().default(1).meta(meta({ description: 'Coefficient of variation of idle gaps (as `burstCv`).' })),
    profile: z
      .union([z.enum(Object.keys(PROFILE_PRESETS) as [string, ...string[]]), z.array(z.number().nonnegative()).length(24)])
      .default('flat')
      .meta(meta({ description: `Daily shape of the load: a preset (${Object.keys(PROFILE_PRESETS).join(', ')}) or 24 hourly weights from midnight; rescaled to mean 1, so \`utilPct\` stays the daily mean.` })),
    vmCv: z
      .number()
      .nonnegative()
      .default(0)
      .meta(meta({ description: 'Spread of mean utilisation between VMs of the group (lognormal with mean 1 and this cv, drawn once per VM and replication).' })),
    noiseCv: z
      .number()
      .nonnegative()
      .default(0)
      .meta(meta({ description: 'Interval-to-interval variation of each VM’s utilisation (lognormal, mean 1, independent per interval).' })),
  });

  const vmGroup = z.strictObject({
    name: z.string().min(1).meta(meta({ description: 'VM group name; VMs are named `<name>-1`, `<name>-2`, …' })),
    count: z
      .union([z.int().min(0), z.literal('fill')])
      .meta(meta({ description: 'Number of VMs, or `fill`: as many as the hosts accept within the allocation ratios (at most one group).' })),
    vcpus: z.int().min(1).meta(meta({ description: 'vCPUs per VM.', unit: 'vCPUs' })),
    memoryGiB: positiveGiB.meta(meta({ description: 'Memory allocated to each VM (the flavor’s RAM).', unit: 'GiB' })),
    os: z.enum(['windows', 'linux', 'other']).default('linux').meta(meta({ description: 'Guest OS family.' })),
    image: z.string().min(1).optional().meta(meta({ description: 'Image the VMs boot from; VMs of one image share pages (used by the memory model). Defaults to the group name.' })),
    workload: z
      .strictObject({
        cpu: cpuWorkload.meta(meta({ description: 'Parametric CPU demand of each vCPU.' })),
      })
      .meta(meta({ description: 'What the VMs do.' })),
  });

  const schedulerSpec = z
    .strictObject({
      policy: z
        .enum(SCHEDULER_POLICIES)
        .default('cfs')
        .meta(meta({ description: '`cfs`: Linux CFS with time slices and wake-up preemption; `fifo`: each burst runs to completion in wake-up order (the textbook queue).' })),
      latencyMs: positiveMs.optional().meta(meta({ description: 'CFS `sched_latency`; default 6 ms × (1 + log2(min(cpus, 8))), i.e. 24 ms on 8+ CPUs (kernel/sched/fair.c).', unit: 'ms' })),
      minGranularityMs: positiveMs.optional().meta(meta({ description: 'CFS `sched_min_granularity`; default 0.75 ms × the same factor (3 ms).', unit: 'ms' })),
      wakeupGranularityMs: positiveMs.optional().meta(meta({ description: 'CFS `sched_wakeup_granularity`; default 1 ms × the same factor (4 ms).', unit: 'ms' })),
    })
    .prefault({})
    .meta(meta({ description: 'Host CPU scheduler.' }));

  const cpuModel = z
    .strictObject({
      resolution: z
        .enum(['auto', 'micro', 'fleet'])
        .default('auto')
        .meta(meta({ description: '`micro`: simulate every burst for the whole run; `fleet`: closed-form queueing per host and interval plus a few micro windows; `auto`: micro when the run has at most `microBudgetBursts` bursts.' })),
      microBudgetBursts: z
        .number()
        .positive()
        .default(20_000_000)
        .meta(meta({ description: 'Largest number of bursts per replication `auto` simulates exactly (about 5 s of CPU per replication).' })),
      microWindows: z
        .int()
        .min(0)
        .default(4)
        .meta(meta({ description: 'In fleet resolution: (host, interval) pairs per replication, drawn at random, also simulated burst by burst — for scheduling delays and as a running check of the closed form.' })),
      microWindow: duration(units)
        .pipe(z.number().positive())
        .default(10)
        .meta(meta({ description: 'Simulated length of each micro window (after its warm-up).', unit: 's', accepts: DURATION_ACCEPTS, defaultText: '10s' })),
      warmup: duration(units)
        .pipe(z.number().nonnegative())
        .optional()
        .meta(meta({ description: 'Simulated before measuring in micro runs and windows; by default 10 burst cycles of the slowest vCPU, within 0.5–10 s (vCPUs start in their uncontended steady state).', unit: 's', accepts: DURATION_ACCEPTS })),
    })
    .prefault({})
    .meta(meta({ description: 'How CPU contention is computed.' }));

  const sloShape = Object.fromEntries(
    (Object.keys(SLO_DEFINITIONS) as (keyof Slo)[]).map((key) => {
      const def = SLO_DEFINITIONS[key];
      return [key, z.number().nonnegative().optional().meta(meta({ description: `Upper limit on ${def.metric}.`, unit: def.unit }))];
    }),
  ) as { [K in keyof Slo]-?: z.ZodOptional<z.ZodNumber> };

  return z
    .strictObject({
      name: z.string().min(1).meta(meta({ description: 'Scenario name, shown in reports.' })),
      description: z.string().optional().meta(meta({ description: 'What the scenario models and where its numbers come from.' })),
      seed: z.int().min(0).default(1).meta(meta({ description: 'Master seed; the same scenario and seed give identical results.' })),
      replications: z.int().min(1).max(100_000).default(10).meta(meta({ description: 'Independent Monte Carlo replications; intervals come from their spread.' })),
      duration: duration(units).pipe(z.number().positive()).default(86_400).meta(meta({ description: 'Simulated time per replication.', unit: 's', accepts: DURATION_ACCEPTS, defaultText: '24h' })),
      step: duration(units)
        .pipe(z.number().positive())
        .default(300)
        .meta(meta({ description: 'Measurement interval: CPU ready % and utilisation are reported per VM and host per step (vCenter’s past-day chart uses 5 min).', unit: 's', accepts: DURATION_ACCEPTS, defaultText: '5 min' })),
      startHour: z.number().min(0).lt(24).default(0).meta(meta({ description: 'Hour of day at simulated time 0 (selects the workload profile hour).', unit: 'h' })),
      overcommit: z
        .strictObject({
          cpu: z.number().positive().default(4).meta(meta({ description: 'vCPU allocation ratio (nova `cpu_allocation_ratio`; nova’s initial default 4.0 since 2023.1).' })),
          memory: z.number().positive().default(1).meta(meta({ description: 'RAM allocation ratio (nova `ram_allocation_ratio`; initial default 1.0).' })),
        })
        .prefault({})
        .meta(meta({ description: 'Allocation ratios with OpenStack Placement semantics: a host offers (total − reserved) × ratio.' })),
      placement: z
        .enum(['spread', 'pack'])
        .default('spread')
        .meta(meta({ description: '`spread`: the host with most free RAM (nova’s default weigher); `pack`: the least (stacking).' })),
      hosts: z.array(hostGroup).min(1).meta(meta({ description: 'Host groups.' })),
      vms: z.array(vmGroup).min(1).meta(meta({ description: 'VM groups, placed in file order.' })),
      scheduler: schedulerSpec,
      cpuModel,
      slo: z
        .strictObject(sloShape)
        .prefault({})
        .meta(meta({ description: 'Service-level objectives: each is an upper limit; the verdict fails when any is exceeded.' })),
    })
    .superRefine((scenario, ctx) => {
      const fills = scenario.vms.filter((g) => g.count === 'fill');
      if (fills.length > 1) {
        ctx.addIssue({ code: 'custom', path: ['vms'], message: `at most one VM group may use count: fill, found ${fills.length} (${fills.map((g) => g.name).join(', ')})` });
      }
      checkUniqueNames(scenario.hosts, 'hosts', ctx);
      checkUniqueNames(scenario.vms, 'vms', ctx);
      scenario.hosts.forEach((host, i) => {
        if (host.cpu.reservedCores >= host.cpu.cores) {
          ctx.addIssue({ code: 'custom', path: ['hosts', i, 'cpu', 'reservedCores'], message: `must be less than cores (${host.cpu.cores}), found ${host.cpu.reservedCores}` });
        }
        if (host.memory.reservedGiB >= host.memory.totalGiB) {
          ctx.addIssue({ code: 'custom', path: ['hosts', i, 'memory', 'reservedGiB'], message: `must be less than totalGiB (${host.memory.totalGiB}), found ${host.memory.reservedGiB}` });
        }
      });
      if (scenario.step > scenario.duration) {
        ctx.addIssue({ code: 'custom', path: ['step'], message: `must not exceed duration (${scenario.duration} s), found ${scenario.step} s` });
      }
      scenario.vms.forEach((group, i) => {
        const cpu = group.workload.cpu;
        if (cpu.burstDistribution === 'hyperexponential' && cpu.burstCv < 1) {
          ctx.addIssue({ code: 'custom', path: ['vms', i, 'workload', 'cpu', 'burstCv'], message: `hyperexponential needs burstCv >= 1, found ${cpu.burstCv}` });
        }
        if (cpu.gapDistribution === 'hyperexponential' && cpu.gapCv < 1) {
          ctx.addIssue({ code: 'custom', path: ['vms', i, 'workload', 'cpu', 'gapCv'], message: `hyperexponential needs gapCv >= 1, found ${cpu.gapCv}` });
        }
      });
    }, { when: (payload) => payload.issues.length === 0 }) // cross-field checks only on fields that are valid themselves
    .transform((s): ModelScenario => ({
      name: s.name,
      description: s.description,
      seed: s.seed,
      replications: s.replications,
      durationSeconds: s.duration,
      stepSeconds: s.step,
      startHour: s.startHour,
      overcommit: s.overcommit,
      placement: s.placement,
      hosts: s.hosts,
      vms: s.vms.map((g) => ({
        name: g.name,
        count: g.count,
        vcpus: g.vcpus,
        memoryGiB: g.memoryGiB,
        os: g.os,
        image: g.image ?? g.name,
        workload: { cpu: { ...g.workload.cpu, profile: resolveProfile(g.workload.cpu.profile) } },
      })),
      scheduler: s.scheduler,
      cpuModel: {
        resolution: s.cpuModel.resolution,
        microBudgetBursts: s.cpuModel.microBudgetBursts,
        microWindows: s.cpuModel.microWindows,
        microWindowSeconds: s.cpuModel.microWindow,
        warmupSeconds: s.cpuModel.warmup,
      },
      slo: s.slo,
    }));
}

function checkUniqueNames(items: readonly { name: string }[], path: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.name)) ctx.addIssue({ code: 'custom', path: [path, i, 'name'], message: `duplicate name '${item.name}' in ${path}` });
    seen.add(item.name);
  });
}

export type ScenarioSchema = ReturnType<typeof createScenarioSchema>;
/** What a user may write (before defaults and unit conversion). */
export type ScenarioInput = z.input<ScenarioSchema>;

/** The JSON Schema of scenario files, for editors (`# yaml-language-server: $schema=…`). */
export function scenarioJsonSchema(): Record<string, unknown> {
  jsonSchemaCache ??= {
    ...(z.toJSONSchema(createScenarioSchema(), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>),
    title: 'overcast scenario',
  };
  return jsonSchemaCache;
}

/** The JSON Schema is a pure function of the code; built once per process on first use. */
let jsonSchemaCache: Record<string, unknown> | undefined;
