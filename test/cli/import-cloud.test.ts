/**
 * `overcast import --format openstack`: the fixture cloud (test/fixtures/cloud/openstack, built from
 * the documented `openstack … -f json` outputs, see its README) becomes a scenario that loads, keeps
 * every VM on its host, and runs; generated inventories of any shape do the same; bad input is a
 * located exit-2 error.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { place } from '../../src/model/placement.js';
import { readCloudDocument } from '../../src/scenarios/cloud/documents.js';
import { importOpenStack } from '../../src/scenarios/cloud/openstack.js';
import { parseScenarioText } from '../../src/scenarios/load.js';
import { stringify } from 'yaml';
import { QUICK, runCli } from '../helpers/cli.js';

const FIXTURE = 'test/fixtures/cloud/openstack';

describe('overcast import --format openstack', () => {
  it('writes a scenario of the fixture cloud that keeps each VM on its host, and runs it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overcast-cloud-'));
    const out = join(dir, 'my-cloud.yaml');
    const imported = await runCli(['import', '--format', 'openstack', FIXTURE, '-o', out]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    // servers.json (47 rows, counted from the fixture): cmp-001 6+4+2, cmp-002 10+3, cmp-003 12+8 =
    // 45 ACTIVE in 3+2+2 flavor×host groups, 1 SHUTOFF, 1 ERROR without a host.
    expect(imported.stdout).toContain('45 running VMs in 7 groups (size × host)');
    expect(imported.stdout).toContain('skipped 1 VM: status SHUTOFF');
    expect(imported.stdout).toContain('servers.json: 47 rows, read as openstack server list');
    const text = await readFile(out, 'utf8');
    const loaded = await parseScenarioText(text, out);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const s = loaded.value;
    expect(s.placement).toBe('as-is');
    // Two 32-vCPU/256 GiB hosts and one 64/512: two groups; reserved from the inventories (2 vCPUs, 4096 MiB).
    expect(s.hosts.map((h) => [h.name, h.count, h.cpu.cores, h.cpu.reservedCores, h.memory.totalGiB, h.memory.reservedGiB])).toEqual([
      ['compute-32c-256g', 2, 32, 2, 256, 4],
      ['compute-64c-512g', 1, 64, 2, 512, 4],
    ]);
    expect(s.overcommit).toEqual({ cpu: 4, memory: 1 });
    // As-is: cmp-003 (compute-64c-512g-1) holds 12 × c4.large (8 vCPUs, 16 GiB) and 8 × m1.small (1, 2 GiB).
    const placement = place(s);
    expect(placement.unplaced).toEqual([]);
    const big = placement.hosts.find((h) => h.name === 'compute-64c-512g-1')!;
    expect(big.vcpusAllocated).toBe(12 * 8 + 8 * 1);
    expect(big.memoryAllocatedGiB).toBe(12 * 16 + 8 * 2);
    expect(text).toContain('compute-64c-512g-1 = cmp-003.example.net');
    const run = await runCli(['run', out, ...QUICK, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  }, 60_000);

  it('writes a CloudStack scenario with the overprovisioning factors and every running VM on its host', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overcast-cloud-'));
    const out = join(dir, 'cs.yaml');
    const imported = await runCli(['import', '--format', 'cloudstack', 'test/fixtures/cloud/cloudstack', '-o', out]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    // virtualmachines.json (built by the fixture README's counts): 92 Running + 1 Stopped.
    expect(imported.stdout).toContain('92 running VMs in 6 groups');
    expect(imported.stdout).toContain('skipped 1 VM: state Stopped');
    const loaded = await parseScenarioText(await readFile(out, 'utf8'), out);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    // configurations.json: cpu.overprovisioning.factor 3.0, mem.overprovisioning.factor 1.5.
    expect(loaded.value.overcommit).toEqual({ cpu: 3, memory: 1.5 });
    // hosts.json: three 48-core 384 GiB hosts and one 96-core 768 GiB (the SecondaryStorageVM row is not a host).
    expect(loaded.value.hosts.map((h) => [h.name, h.count])).toEqual([
      ['compute-48c-384g', 3],
      ['compute-96c-768g', 1],
    ]);
    const placement = place(loaded.value);
    // kvm-04 = compute-96c-768g-1: 16 × small (2 vCPU, 4 GiB) + 12 × large (8, 32 GiB).
    const big = placement.hosts.find((h) => h.name === 'compute-96c-768g-1')!;
    expect([big.vcpusAllocated, big.memoryAllocatedGiB]).toEqual([16 * 2 + 12 * 8, 16 * 4 + 12 * 32]);
    expect(placement.vms.length).toBe(92);
  });

  it('placement as-is: a host that does not exist is a validation error; spread re-places the same VMs', async () => {
    const base = `name: t\nplacement: as-is\nhosts: [{ name: h, count: 2, cpu: { cores: 4 }, memory: { totalGiB: 16 } }]\n`;
    const typo = await parseScenarioText(`${base}vms: [{ name: v, count: 3, vcpus: 2, memoryGiB: 2, host: h-3, workload: { cpu: { utilPct: 10 } } }]\n`, 't.yaml');
    expect(typo.ok).toBe(false);
    if (!typo.ok) expect(typo.issues[0]!.message).toContain("no host 'h-3'");
    // 3 VMs of 2 vCPUs pinned to h-2: 6 vCPUs on 4 cores, beyond ratio 1 — kept there as-is.
    const pinned = `${base}overcommit: { cpu: 1 }\nvms: [{ name: v, count: 3, vcpus: 2, memoryGiB: 2, host: h-2, workload: { cpu: { utilPct: 10 } } }]\n`;
    const asIs = await parseScenarioText(pinned, 't.yaml');
    if (!asIs.ok) throw new Error(JSON.stringify(asIs.issues));
    expect(place(asIs.value).hosts.map((h) => h.vcpusAllocated)).toEqual([0, 6]);
    // spread ignores `host`: each host offers 4 vCPUs at ratio 1; VM 1 → h-1 (tie, lower index), VM 2 → h-2 (more free RAM), VM 3 → h-1 (tie).
    const spread = await parseScenarioText(pinned.replace('placement: as-is', 'placement: spread'), 't.yaml');
    if (!spread.ok) throw new Error(JSON.stringify(spread.issues));
    const p = place(spread.value);
    expect(p.hosts.map((h) => h.vcpusAllocated)).toEqual([4, 2]);
    expect(p.unplaced).toEqual([]);
  });

  it('rejects a file of the other cloud, naming it', async () => {
    const mixed = await runCli(['import', '--format', 'openstack', 'test/fixtures/cloud/cloudstack/hosts.json']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('hosts.json: read as cmk list hosts type=Routing (key "host"), not a openstack export');
  });

  it('names the file, row and column of bad input and exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overcast-cloud-'));
    await cp(FIXTURE, dir, { recursive: true });
    const flavors = JSON.parse(await readFile(join(dir, 'flavors.json'), 'utf8')) as Record<string, unknown>[];
    flavors[1]!.VCPUs = 'two';
    await writeFile(join(dir, 'flavors.json'), JSON.stringify(flavors));
    const bad = await runCli(['import', '--format', 'openstack', dir, '-o', join(dir, 'out.yaml')], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('flavors.json[1].VCPUs: expected a number >= 0, found "two"');
    await writeFile(join(dir, 'flavors.json'), '[{"Name": "x",');
    const broken = await runCli(['import', '--format', 'openstack', dir], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('flavors.json: not JSON');
    expect(broken.stderr).not.toContain('    at ');
  });

  it('reads servers listed at compute microversion 2.47 or later: one Flavor column, Host the hypervisor hostname', async () => {
    // python-openstackclient server.py ListServer @ 004b2ab2: from 2.47 the flavor is the column
    // `Flavor` (its original_name) instead of `Flavor Name` + `Flavor ID`; `Host` is hypervisor_hostname,
    // which Placement also names its providers by (providers.json: cmp-00N.example.net).
    const dir = await mkdtemp(join(tmpdir(), 'overcast-cloud-'));
    await cp(FIXTURE, dir, { recursive: true });
    const servers = JSON.parse(await readFile(join(dir, 'servers.json'), 'utf8')) as Record<string, unknown>[];
    const recent = servers.map(({ 'Flavor Name': flavor, 'Flavor ID': _id, Host: host, ...rest }) => ({ ...rest, Flavor: flavor, Host: typeof host === 'string' && host !== '' ? `${host}.example.net` : null }));
    await writeFile(join(dir, 'servers.json'), JSON.stringify(recent));
    const r = await runCli(['import', '--format', 'openstack', dir, '-o', join(dir, 'out.yaml')], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('45 running VMs in 7 groups (size × host)');
    recent[0]!.Flavor = 'm9.missing';
    await writeFile(join(dir, 'servers.json'), JSON.stringify(recent));
    const bad = await runCli(['import', '--format', 'openstack', dir], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("servers.json[0].Flavor: flavor 'm9.missing' is not in the flavor list");
  });

  it('leaves out nested providers (placement 1.14+), whose inventories have no VCPU or MEMORY_MB, or none at all', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overcast-cloud-'));
    await cp(FIXTURE, dir, { recursive: true });
    // What the documented loop saves for a GPU child provider, and for a provider that reports nothing yet.
    await writeFile(join(dir, 'inventory-0a1b2c3d-0000-4000-8000-0000000000f1.json'), JSON.stringify([{ resource_class: 'PGPU', allocation_ratio: 1.0, min_unit: 1, max_unit: 4, reserved: 0, step_size: 1, total: 4 }]));
    await writeFile(join(dir, 'inventory-0a1b2c3d-0000-4000-8000-0000000000f2.json'), '[]');
    const r = await runCli(['import', '--format', 'openstack', dir, '-o', join(dir, 'out.yaml')], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 hosts from Placement inventories');
    expect(r.stdout).toContain('inventory-0a1b2c3d-0000-4000-8000-0000000000f1.json: no VCPU or MEMORY_MB inventory');
    expect(r.stdout).toContain('45 running VMs in 7 groups (size × host)');
  });

  it('imports any generated inventory into a scenario that validates, keeps every VM where it is, and runs', async () => {
    const host = fc.record({ cores: fc.integer({ min: 1, max: 128 }), reserved: fc.integer({ min: 0, max: 4 }), memoryMiB: fc.integer({ min: 2048, max: 1_048_576 }), ratio: fc.constantFrom(1, 2, 4, 16) });
    const flavor = fc.record({ vcpus: fc.integer({ min: 1, max: 16 }), ramMiB: fc.integer({ min: 256, max: 65_536 }) });
    const cloud = fc.record({
      hosts: fc.array(host, { minLength: 1, maxLength: 12 }),
      flavors: fc.array(flavor, { minLength: 1, maxLength: 5 }),
      servers: fc.array(fc.record({ host: fc.nat(), flavor: fc.nat() }), { minLength: 1, maxLength: 60 }),
    });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(cloud, async (c) => {
        const uuid = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
        const docs = [
          readCloudDocument('providers.json', JSON.stringify(c.hosts.map((_, i) => ({ uuid: uuid(i), name: `node-${i}`, generation: 1 })))),
          ...c.hosts.map((h, i) =>
            readCloudDocument(
              `inventory-${uuid(i)}.json`,
              JSON.stringify([
                { resource_class: 'VCPU', total: h.cores, reserved: Math.min(h.reserved, h.cores - 1), allocation_ratio: h.ratio, min_unit: 1, max_unit: h.cores, step_size: 1 },
                { resource_class: 'MEMORY_MB', total: h.memoryMiB, reserved: 512, allocation_ratio: 1, min_unit: 1, max_unit: h.memoryMiB, step_size: 1 },
              ]),
            ),
          ),
          readCloudDocument('flavors.json', JSON.stringify(c.flavors.map((f, i) => ({ ID: `f${i}`, Name: `flavor.${i}`, RAM: f.ramMiB, VCPUs: f.vcpus, Disk: 10 })))),
          readCloudDocument(
            'servers.json',
            JSON.stringify(c.servers.map((s, i) => ({ ID: `s${i}`, Name: `vm${i}`, Status: 'ACTIVE', 'Flavor Name': `flavor.${s.flavor % c.flavors.length}`, Host: `node-${s.host % c.hosts.length}` }))),
          ),
        ];
        const result = importOpenStack(docs);
        const loaded = await parseScenarioText(stringify(result.scenario), 'generated.yaml');
        if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
        const placement = place(loaded.value);
        // Every server is placed, on the host it came from, whatever the ratios say.
        expect(placement.vms.length).toBe(c.servers.length);
        const real = new Map(result.hostNames.map(([r, n]) => [n, r]));
        const perHost = new Map<string, number>();
        for (const s of c.servers) perHost.set(`node-${s.host % c.hosts.length}`, (perHost.get(`node-${s.host % c.hosts.length}`) ?? 0) + 1);
        for (const h of placement.hosts) expect(h.vms.length).toBe(perHost.get(real.get(h.name)!) ?? 0);
        // The first two also run end to end (short runs: 2 h, 2 replications).
        if (runs < 2) {
          runs++;
          const file = join(await mkdtemp(join(tmpdir(), 'overcast-gen-')), 'gen.yaml');
          await writeFile(file, stringify(result.scenario));
          const run = await runCli(['run', file, ...QUICK, '--json']);
          expect(run.stderr).toBe('');
          expect(run.code).toBe(0);
        }
      }),
      { numRuns: 60, seed: 20 },
    );
  }, 120_000);
});
