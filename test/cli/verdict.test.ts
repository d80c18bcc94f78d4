/**
 * One verdict rule everywhere (src/model/slo.ts): PASS when an SLO's 95 % upper bound is within
 * its limit, NOT DEMONSTRATED when only its point value is, FAIL when the point value is over; the
 * study's verdict is the worst. `--fail-on-slo` exits 3 on FAIL, `--strict-slo` also on NOT
 * DEMONSTRATED. VMs that fit no host fail the verdict (the implicit SLO unplacedVms: 0).
 */
import { describe, expect, it } from 'vitest';
import { sloStatus, studyVerdict } from '../../src/model/slo.js';
import { QUICK, runCli } from '../helpers/cli.js';

interface JsonSlo {
  name: string;
  value: number;
  upper95: number | null;
  limit: number;
  status: string;
}

async function jsonRun(extra: string[]): Promise<{ slos: JsonSlo[]; verdict: string }> {
  const { stdout } = await runCli(['run', 'default', '--json', ...QUICK, ...extra]);
  return JSON.parse(stdout) as { slos: JsonSlo[]; verdict: string };
}

describe('the rule', () => {
  it('judges the point value and the 95 % upper bound against the limit', () => {
    expect(sloStatus(3, 4, 5)).toBe('pass');
    expect(sloStatus(3, 5, 5)).toBe('pass');
    expect(sloStatus(3, 6, 5)).toBe('not-demonstrated');
    // One replication has no interval: nothing is demonstrated.
    expect(sloStatus(3, null, 5)).toBe('not-demonstrated');
    expect(sloStatus(6, 7, 5)).toBe('fail');
    expect(sloStatus(Number.NaN, null, 5)).toBe('fail');
    expect(studyVerdict([{ status: 'pass' }, { status: 'not-demonstrated' }])).toBe('not-demonstrated');
    expect(studyVerdict([{ status: 'not-demonstrated' }, { status: 'fail' }, { status: 'pass' }])).toBe('fail');
    expect(studyVerdict([])).toBe('pass');
  });
});

describe('run: three states and two gates', () => {
  it('NOT DEMONSTRATED between the value and the upper bound; FAIL below the value; PASS above the bound', async () => {
    // The host utilisation p95 of this run, and its interval (two replications: a wide one).
    const base = (await jsonRun([])).slos;
    expect(base.find((s) => s.name === 'hostUtilPctP95')).toBeUndefined();
    const probe = (await jsonRun(['--set', 'slo.hostUtilPctP95=100'])).slos.find((s) => s.name === 'hostUtilPctP95')!;
    expect(probe.upper95!).toBeGreaterThan(probe.value);
    const between = Number(((probe.value + probe.upper95!) / 2).toFixed(3));
    const cases: [number, string][] = [
      [Number((probe.value * 0.9).toFixed(3)), 'fail'],
      [between, 'not-demonstrated'],
      [Math.ceil(probe.upper95! + 1), 'pass'],
    ];
    for (const [limit, status] of cases) {
      const set = ['--set', `slo.hostUtilPctP95=${limit}`];
      const report = await jsonRun(set);
      expect(report.slos.find((s) => s.name === 'hostUtilPctP95')!.status, `limit ${limit}`).toBe(status);
      expect(report.verdict).toBe(status);
      const plain = await runCli(['run', 'default', ...QUICK, ...set]);
      const gated = await runCli(['run', 'default', '--fail-on-slo', ...QUICK, ...set]);
      const strict = await runCli(['run', 'default', '--strict-slo', ...QUICK, ...set]);
      expect([plain.code, gated.code, strict.code], `limit ${limit}`).toEqual(status === 'fail' ? [0, 3, 3] : status === 'not-demonstrated' ? [0, 0, 3] : [0, 0, 0]);
      const word = { fail: 'FAIL', 'not-demonstrated': 'NOT DEMONSTRATED', pass: 'PASS' }[status]!;
      expect(plain.stdout).toMatch(new RegExp(`^ {2}hostUtilPctP95 .* ${word}$`, 'm'));
      if (status === 'not-demonstrated') {
        expect(plain.stdout).toContain('! hostUtilPctP95 (host pCPU utilisation p95 per host-interval) is');
        expect(plain.stdout).toMatch(/but has a 95 % upper bound of [\d.]+ %,\s+over the limit: not demonstrated/);
      }
    }
  });
});

describe('VMs that fit no host fail the verdict', () => {
  // 64 vCPUs per web VM: more than the 30 usable pCPUs of any host.
  const TOO_BIG = ['--set', 'vms.web.vcpus=64'];

  it('run: FAIL on unplacedVms, with the reason in words, and exit 3 with --fail-on-slo', async () => {
    const { code, stdout } = await runCli(['run', 'default', '--fail-on-slo', ...QUICK, ...TOO_BIG]);
    expect(code).toBe(3);
    expect(stdout).toMatch(/^ {2}unplacedVms +160 VMs +160 VMs +0 VMs +FAIL$/m);
    // (Sentences wrap at 100 columns: compare them unwrapped.)
    expect(stdout.replace(/\n +/g, ' ')).toContain(
      "! 160 VMs of group web did not fit: larger than any host (64 vCPUs and 4 GiB each; more vCPUs than the largest host's usable 30 pCPUs and 504 GiB, after reserved cores and memory); overcommit never lets one VM exceed a host",
    );
    expect(stdout).toMatch(/Verdict: FAIL \(unplacedVms\)\n$/);
    const report = JSON.parse((await runCli(['run', 'default', '--json', ...QUICK, ...TOO_BIG])).stdout) as { verdict: string; slos: JsonSlo[]; placement: { unplacedByGroup: { reason: string }[] } };
    expect(report.verdict).toBe('fail');
    expect(report.slos[0]).toMatchObject({ name: 'unplacedVms', value: 160, limit: 0, status: 'fail', implicit: true });
    expect(report.placement.unplacedByGroup).toMatchObject([{ group: 'web', count: 160, reason: 'larger-than-host' }]);
  });

  it('validate: exit 2, naming the group and why', async () => {
    const { code, stderr } = await runCli(['validate', 'default', ...TOO_BIG]);
    expect(code).toBe(2);
    expect(stderr).toContain('! group web: 160 VMs fit no host: larger than any host (64 vCPUs and 4 GiB each; more vCPUs than');
  });

  it('the scenario may allow some: slo.unplacedVms', async () => {
    const report = await jsonRun([...TOO_BIG, '--set', 'slo.unplacedVms=200']);
    expect(report.slos[0]).toMatchObject({ name: 'unplacedVms', value: 160, limit: 200, status: 'pass' });
    expect((await runCli(['validate', 'default', ...TOO_BIG, '--set', 'slo.unplacedVms=200'])).code).toBe(0);
  });

  it('sweep agrees: the point fails, and --fail-on-slo exits 3', async () => {
    const { code, stdout } = await runCli(['sweep', 'default', '--vary', 'vms.web.vcpus=2,64', '--fail-on-slo', ...QUICK]);
    expect(code).toBe(3);
    const [header, ...rows] = stdout.trim().split('\n');
    const at = header!.split(',').indexOf('verdict');
    const unplaced = header!.split(',').indexOf('slos.unplacedVms.status');
    expect(rows.map((r) => r.split(',')[at])).toEqual(['pass', 'fail']);
    expect(rows.map((r) => r.split(',')[unplaced])).toEqual(['pass', 'fail']);
  });
});
