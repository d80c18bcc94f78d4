/**
 * First-minute input problems: `help` for a command that does not exist, YAML syntax errors
 * reported once at the line to fix, and the scenario read from standard input with `-`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/cli/paths.js';
import { QUICK, runCli } from '../helpers/cli.js';

describe('help', () => {
  it('help for an unknown command is a usage error with a suggestion', async () => {
    expect(await runCli(['help', 'bogus'])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^overcast: help: unknown command 'bogus'; commands: run, validate, init, /) as unknown });
    expect(await runCli(['help', 'rn'])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'rn' (did you mean 'run'?)") as unknown });
    const known = await runCli(['help', 'run']);
    expect(known.code).toBe(0);
    expect(known.stdout).toContain('Usage: overcast run');
  });
});

describe('YAML syntax errors', () => {
  it('a line indented one space too far gives one error, at that line', async () => {
    const text = (await readFile(join(packageRoot(), 'scenarios/default.yaml'), 'utf8')).split('\n');
    // Line 27 (`    vcpus: 2` of the web group) gets one space more.
    const line = text.findIndex((l, i) => i > 20 && l === '    vcpus: 2');
    text[line] = ` ${text[line]}`;
    const { code, stderr } = await runCli(['validate', '-'], { stdin: text.join('\n') });
    expect(code).toBe(2);
    // One problem, at the slipped line, saying what would fit (then the parser's own words).
    expect(stderr).toMatch(new RegExp(`^overcast: <stdin>: 1 problem\\n<stdin>:${line + 1}:6: invalid YAML: this line is indented 5 spaces; 4 would fit \\(.*\\)\\n$`));
  });

  it('an unclosed quote is reported where it opens, not at the end of the file', async () => {
    const text = 'name: "quoted\nseed: 1\nhosts: []\nvms: []\n';
    const { stderr } = await runCli(['validate', '-'], { stdin: text });
    expect(stderr).toBe('overcast: <stdin>: 1 problem\n<stdin>:1:7: invalid YAML: a quoted text opened here is never closed (the closing quote is missing)\n');
  });
});

describe('the scenario from standard input', () => {
  it('`-` reads it: run and validate', async () => {
    const text = await readFile(join(packageRoot(), 'scenarios/default.yaml'), 'utf8');
    const run = await runCli(['run', '-', ...QUICK], { stdin: text });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^overcast: default\n/);
    const fromFile = await runCli(['run', 'default', ...QUICK]);
    expect(run.stdout).toBe(fromFile.stdout);
    expect((await runCli(['validate', '-'], { stdin: text })).stdout).toMatch(/^<stdin>: ok — default: 8 hosts, 292 VMs placed/);
  });

  it('`-` with nothing piped in is a usage error', async () => {
    const { code, stderr } = await runCli(['run', '-'], { tty: true });
    expect(code).toBe(2);
    expect(stderr).toBe('overcast: -: reads the scenario from standard input, but none is piped in (e.g. cat scenario.yaml | overcast run -)\n');
  });
});

describe('a fleet that places but cannot run', () => {
  // Two pinned VMs of 3 vCPUs + 1 vhost worker each pack onto one 8-pCPU host: no core stays
  // shared. Each VM alone passes the schema's check (4 < 8); only the placed fleet shows it.
  const pinnedPair = `
name: pin2
seed: 1
replications: 2
duration: 1h
step: 5 min
placement: pack
hosts:
  - { name: h, count: 1, cpu: { cores: 8, reservedCores: 0 }, memory: { totalGiB: 64, reservedGiB: 0 } }
vms:
  - name: web
    count: 2
    vcpus: 3
    memoryGiB: 2
    network: { gbps: 1, pinned: true }
    workload: { cpu: { utilPct: 20 } }
`;
  const message = 'overcast: host h-1: its pinned VMs need 8 dedicated cores (vCPUs and vhost workers or QEMU main loop) but it has 8 pCPUs; at least one must stay shared (vms[].network.pinned)\n';
  it.each([
    ['run', ['run', '-']],
    ['a shard of run', ['run', '-', '--shard', '0/2']],
    ['sweep', ['sweep', '-', '--vary', 'overcommit.cpu=2,4']],
    ['recommend, on two worker threads', ['recommend', '-', '--set', 'slo.cpuReadyPctP95=5', '--workers', '2']],
  ])('%s: exit 2 naming the host and the field, before simulating', async (_name, args) => {
    const { code, stderr } = await runCli(args, { stdin: pinnedPair });
    // recommend fills the host at its first candidate (today's ratio), so more VMs ask for cores there.
    expect(args[0] === 'recommend' ? stderr.replace(/need \d+ dedicated/, 'need 8 dedicated') : stderr).toBe(message);
    expect(code).toBe(2);
  });
});

describe('import of a folder that holds only folders', () => {
  it('is a usage error that names the folder to give instead, not an internal error', async () => {
    // bitbrains-rnd holds its traces one level down, in 2013-7/: format detection used to open the
    // subfolder as a file (EISDIR, exit 1).
    const run = await runCli(['import', 'test/fixtures/traces/bitbrains-rnd']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('only folders (2013-7)');
    expect(run.stderr).toContain('test/fixtures/traces/bitbrains-rnd/2013-7');
    expect(run.stderr).not.toContain('internal error');
  });
});
