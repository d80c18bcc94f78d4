/**
 * recommend's check of its own monotone assumption (src/study/monotone.ts): values below the
 * answer that failed on an SLO judged at the answer are found among the search's and the risk
 * curve's evaluations, once each and in order; the report says so above the config and in the
 * knob's section. The case it was written for, measured with `overcast run vdi-callcenter
 * --replications 2 --risk-method mc --set overcommit.memory=1.5 --set overcommit.cpu=2.1
 * --set boots.maxPerHost=N`: OOM kills per replication 0 at N = 15, 135 at 21, 97 at 24, 0 at 27
 * and 30, 108 at 33; `recommend vdi-callcenter` answers 30 with 24 failing on its risk curve.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { inProcessRunner } from '../../src/model/runner.js';
import { buildRecommendReport } from '../../src/report/recommend.js';
import { recommendDocument } from '../../src/report/recommend-document.js';
import { renderDocumentText } from '../../src/report/render-text.js';
import { failsBelow } from '../../src/study/monotone.js';
import { recommend, type Evaluation, type RecommendResult } from '../../src/study/recommend.js';
import { REPAIRMAN_YAML, source } from './helpers.js';

/** An evaluation at `value` that passed, or failed on `failing`. */
const evaluation = (value: number | null, failing: string[] = []): Evaluation => ({ value, pass: failing.length === 0, failing }) as unknown as Evaluation;

describe('failsBelow', () => {
  const judged = ['oomRiskPerHostMonth', 'bootSecondsP95'];

  it('finds every failing value under the answer, once, in order, with the judged SLOs that failed', () => {
    const searched = [evaluation(6), evaluation(27), evaluation(51, ['oomRiskPerHostMonth']), evaluation(30), evaluation(31, ['oomRiskPerHostMonth'])];
    const curve = [evaluation(24, ['oomRiskPerHostMonth']), evaluation(27), evaluation(30), evaluation(33, ['oomRiskPerHostMonth'])];
    expect(failsBelow(30, judged, [...searched, ...curve, evaluation(21, ['bootSecondsP95', 'oomRiskPerHostMonth']), evaluation(24, ['bootSecondsP95'])])).toEqual([
      { value: 21, failing: ['bootSecondsP95', 'oomRiskPerHostMonth'] },
      { value: 24, failing: ['oomRiskPerHostMonth', 'bootSecondsP95'] },
    ]);
  });

  it('finds nothing where the knob behaved monotonically, or there is no answer', () => {
    const monotone = [evaluation(6), evaluation(27), evaluation(30), evaluation(31, ['oomRiskPerHostMonth']), evaluation(51, ['oomRiskPerHostMonth'])];
    expect(failsBelow(30, judged, monotone)).toEqual([]);
    expect(failsBelow(null, judged, [evaluation(1, ['oomRiskPerHostMonth'])])).toEqual([]);
  });

  it('leaves out SLOs not judged at the answer (out of the knob’s reach) and the combined check', () => {
    expect(failsBelow(30, judged, [evaluation(1, ['cpuReadyPctP95']), evaluation(null, ['oomRiskPerHostMonth'])])).toEqual([]);
  });
});

describe('the report of a knob that is not monotone', () => {
  let result: RecommendResult;
  beforeAll(async () => {
    result = await recommend(source(REPAIRMAN_YAML), inProcessRunner(), { knobs: ['cpuAllocationRatio'], whatIf: [], riskCurve: false });
  });

  it('warns above the config and in the knob’s section, and carries the values in the JSON', () => {
    const cpu = result.knobs.find((k) => k.id === 'cpuAllocationRatio')!;
    expect(cpu.value).not.toBeNull();
    expect(cpu.failsBelow).toEqual([]);
    const plain = renderDocumentText(recommendDocument(buildRecommendReport(result)));
    expect(plain).not.toMatch(/not monotone|lower is not safer/);

    const low = Math.round((cpu.value! - 2 * cpu.range.step) * 100) / 100;
    const lower = Math.round((cpu.value! - cpu.range.step) * 100) / 100;
    const broken: RecommendResult = {
      ...result,
      knobs: result.knobs.map((k) => (k === cpu ? { ...k, failsBelow: [{ value: low, failing: ['cpuReadyPctP95'] }, { value: lower, failing: ['cpuReadyPctP95'] }] } : k)),
    };
    const report = buildRecommendReport(broken);
    expect(report.recommendation.cpuAllocationRatio.failsBelow).toEqual([
      { value: low, failing: ['cpuReadyPctP95'] },
      { value: lower, failing: ['cpuReadyPctP95'] },
    ]);
    const text = renderDocumentText(recommendDocument(report)).replace(/\n +/g, ' ');
    const at = (x: number): string => x.toFixed(1);
    expect(text).toContain(`cpu_allocation_ratio ${at(cpu.value!)}: lower is not safer here, cpuReadyPctP95 fails at ${at(low)} and ${at(lower)} (its section below)`);
    expect(text).toContain(`not monotone: cpuReadyPctP95 fails at ${at(low)} and ${at(lower)}, below ${at(cpu.value!)}. The search assumes a lower cpu_allocation_ratio is never worse`);
  });
});
