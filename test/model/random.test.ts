/**
 * Seeded streams and the variate generators.
 *
 * Moment checks: for each distribution, N = 200,000 draws. The sample mean's standard error is
 * sd/sqrt(N) = cv·m/sqrt(N). The sample sd's relative standard error is, by the delta method on
 * Var(s²) ≈ σ⁴(κ − 1)/N (κ = μ4/σ⁴, the kurtosis), ½·sqrt((κ − 1)/N); the sample cv = s/x̄ has
 * relative standard error at most the sum of the two (sd of a sum <= sum of sds). κ is computed
 * from each distribution's raw moments below. Tolerances are 4 standard errors (two-sided normal
 * tail 6e-5 per check).
 */
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { alea, createStream, streamFactory, streamKey, type Rng } from '../../src/model/random/streams.js';
import {
  DETERMINISTIC,
  DISTRIBUTIONS,
  EXPONENTIAL,
  GAMMA,
  HYPEREXPONENTIAL,
  LOGNORMAL,
  distributionCode,
  fixedCv,
  noiseFactor,
  sample,
} from '../../src/model/random/distributions.js';
import { seedXoshiro128, xoshiro128Next, xoshiro128Uniform } from '../../src/model/random/xoshiro.js';

function draw(rng: Rng, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(rng());
  return out;
}

describe('streams', () => {
  it('names a stream by seed, replication, entity and purpose', () => {
    expect(streamKey(42, 3, 'vm:desktop#17', 'cpu')).toBe('42|r3|vm:desktop#17|cpu');
  });

  it('alea is seedrandom.alea bit for bit (the port it is written from)', () => {
    // Keys like the model's, plus the empty string, non-ASCII text and a long key.
    // mash() truncates with Math.floor where seedrandom writes >>> 0 (streams.ts says why they agree);
    // the largest char code and long keys push its state to the top of its range.
    const keys = ['', ' ', '42|r3|vm:desktop#17|cpu', '4|r0|vm:desktop-1|memory-noise', 'vm:ü€|δ', 'x'.repeat(500), '\uffff'.repeat(300), '\u0000\uffff'.repeat(100)];
    for (let i = 0; i < 200; i++) keys.push(streamKey(i * 7919, i % 13, `vm:group-${i}`, i % 2 ? 'memory-factor' : `boot-time#${i % 3}`));
    for (const key of keys) {
      const ours = alea(key);
      const theirs = seedrandom.alea(key);
      for (let k = 0; k < 64; k++) expect(ours()).toBe(theirs());
    }
  });

  it('the same parts give the same sequence', () => {
    expect(draw(createStream(42, 0, 'vm:a', 'cpu'), 1000)).toEqual(draw(createStream(42, 0, 'vm:a', 'cpu'), 1000));
  });

  it('a different seed, replication, entity or purpose gives a different sequence', () => {
    const base = draw(createStream(42, 0, 'vm:a', 'cpu'), 50);
    for (const other of [createStream(43, 0, 'vm:a', 'cpu'), createStream(42, 1, 'vm:a', 'cpu'), createStream(42, 0, 'vm:b', 'cpu'), createStream(42, 0, 'vm:a', 'mem')]) {
      const seq = draw(other, 50);
      // Independent uniforms agree in a draw with probability ~2^-32; demand that none of 50 do.
      expect(seq.filter((x, i) => x === base[i]).length).toBe(0);
    }
  });

  it('creating and drawing from other streams in between does not change a stream', () => {
    const alone = draw(createStream(7, 2, 'vm:x', 'cpu'), 200);
    const s = createStream(7, 2, 'vm:x', 'cpu');
    const interleaved: number[] = [];
    for (let i = 0; i < 200; i++) {
      // A new VM's stream appears and is drawn from between every two draws of ours.
      draw(createStream(7, 2, `vm:other${i}`, 'cpu'), 3);
      interleaved.push(s());
    }
    expect(interleaved).toEqual(alone);
  });

  it('streamFactory binds seed and replication and matches createStream', () => {
    const f = streamFactory(5, 9);
    expect(f.seed).toBe(5);
    expect(f.replication).toBe(9);
    expect(draw(f.stream('host:1', 'boot'), 20)).toEqual(draw(createStream(5, 9, 'host:1', 'boot'), 20));
  });

  it('draws are uniform on [0, 1): mean 1/2 and variance 1/12', () => {
    // N = 200,000: SE(mean) = sqrt(1/12/N) = 6.5e-4; SE(var) = sqrt((1/80 − 1/144)/N) = 1.7e-4
    // (Var of U² about its mean: E[(U − ½)⁴] − (1/12)² = 1/80 − 1/144). 4 SE each.
    const xs = draw(createStream(1, 0, 'u', 'u'), 200_000);
    expect(xs.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(0);
    expect(xs.reduce((a, b) => Math.max(a, b))).toBeLessThan(1);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
    expect(Math.abs(m - 0.5)).toBeLessThan(4 * 6.5e-4);
    expect(Math.abs(v - 1 / 12)).toBeLessThan(4 * 1.7e-4);
  });
});

/** Raw moments E[X], E[X²], E[X³], E[X⁴] of each distribution with mean m and cv c. */
function rawMoments(code: number, m: number, c: number): [number, number, number, number] {
  switch (code) {
    case EXPONENTIAL:
      // E[X^k] = k!·m^k
      return [m, 2 * m ** 2, 6 * m ** 3, 24 * m ** 4];
    case GAMMA: {
      // shape k = 1/c², scale θ = m/k: E[X^r] = θ^r·k(k+1)…(k+r−1)
      const k = 1 / (c * c);
      const th = m / k;
      return [k * th, k * (k + 1) * th ** 2, k * (k + 1) * (k + 2) * th ** 3, k * (k + 1) * (k + 2) * (k + 3) * th ** 4];
    }
    case LOGNORMAL: {
      // σ² = ln(1 + c²), μ = ln m − σ²/2: E[X^r] = exp(rμ + r²σ²/2)
      const s2 = Math.log(1 + c * c);
      const mu = Math.log(m) - s2 / 2;
      const r = (k: number): number => Math.exp(k * mu + (k * k * s2) / 2);
      return [r(1), r(2), r(3), r(4)];
    }
    case HYPEREXPONENTIAL: {
      // Balanced-means H2 (Whitt): p = ½(1 + sqrt((c²−1)/(c²+1))), phase means m/(2p), m/(2(1−p));
      // E[X^k] = k!·(p·m1^k + (1−p)·m2^k).
      const c2 = c * c;
      const p = 0.5 * (1 + Math.sqrt((c2 - 1) / (c2 + 1)));
      const m1 = m / (2 * p);
      const m2 = m / (2 * (1 - p));
      const r = (k: number, f: number): number => f * (p * m1 ** k + (1 - p) * m2 ** k);
      return [r(1, 1), r(2, 2), r(3, 6), r(4, 24)];
    }
    default:
      throw new Error(`no moments for ${code}`);
  }
}

function kurtosis([m1, m2, m3, m4]: [number, number, number, number]): number {
  const variance = m2 - m1 * m1;
  const central4 = m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 ** 4;
  return central4 / (variance * variance);
}

describe('distributions.sample', () => {
  const N = 200_000;
  const cases: { name: string; code: number; mean: number; cv: number }[] = [
    { name: 'exponential', code: EXPONENTIAL, mean: 0.01, cv: 1 },
    { name: 'gamma cv 0.5 (shape 4)', code: GAMMA, mean: 3, cv: 0.5 },
    { name: 'gamma cv 2 (shape 0.25, boosted branch)', code: GAMMA, mean: 3, cv: 2 },
    { name: 'lognormal cv 0.5', code: LOGNORMAL, mean: 20, cv: 0.5 },
    { name: 'lognormal cv 1', code: LOGNORMAL, mean: 20, cv: 1 },
    { name: 'hyperexponential cv 2', code: HYPEREXPONENTIAL, mean: 0.5, cv: 2 },
    { name: 'hyperexponential cv 1.2', code: HYPEREXPONENTIAL, mean: 0.5, cv: 1.2 },
  ];

  for (const c of cases) {
    it(`${c.name}: sample mean and cv within 4 standard errors`, () => {
      const kappa = kurtosis(rawMoments(c.code, c.mean, c.cv));
      // The moments above are the distribution's: their mean and cv must be the requested ones.
      const [m1, m2] = rawMoments(c.code, c.mean, c.cv);
      expect(m1).toBeCloseTo(c.mean, 10);
      expect(Math.sqrt(m2 - m1 * m1) / m1).toBeCloseTo(c.cv, 10);

      const rng = createStream(99, 0, c.name, 'moments');
      let sum = 0;
      let sumSq = 0;
      let min = Number.POSITIVE_INFINITY;
      for (let i = 0; i < N; i++) {
        const x = sample(c.code, rng, c.mean, c.cv);
        sum += x;
        sumSq += x * x;
        if (x < min) min = x;
      }
      const mean = sum / N;
      const sd = Math.sqrt((sumSq - N * mean * mean) / (N - 1));
      const seMeanRel = c.cv / Math.sqrt(N);
      const seSdRel = 0.5 * Math.sqrt((kappa - 1) / N);
      expect(min).toBeGreaterThanOrEqual(0);
      expect(Math.abs(mean / c.mean - 1)).toBeLessThan(4 * seMeanRel);
      expect(Math.abs(sd / mean / c.cv - 1)).toBeLessThan(4 * (seSdRel + seMeanRel));
    });
  }

  it('deterministic returns the mean exactly and draws nothing', () => {
    let calls = 0;
    const rng: Rng = () => {
      calls++;
      return 0.5;
    };
    for (const cv of [0, 1, 3]) expect(sample(DETERMINISTIC, rng, 0.25, cv)).toBe(0.25);
    expect(calls).toBe(0);
  });

  it('cv 0 makes gamma and lognormal deterministic; mean <= 0 gives 0', () => {
    const rng = createStream(1, 0, 'x', 'y');
    expect(sample(GAMMA, rng, 2, 0)).toBe(2);
    expect(sample(LOGNORMAL, rng, 2, 0)).toBe(2);
    for (const code of [EXPONENTIAL, DETERMINISTIC, GAMMA, LOGNORMAL, HYPEREXPONENTIAL]) expect(sample(code, rng, 0, 1)).toBe(0);
  });

  it('exponential inverts the uniform: −m·ln(1 − U)', () => {
    // With U = 0.75 the variate is −2·ln(0.25) = 2.7725887…; U = 0 gives exactly 0 (never ln 0).
    expect(sample(EXPONENTIAL, () => 0.75, 2, 1)).toBeCloseTo(-2 * Math.log(0.25), 12);
    expect(Math.abs(sample(EXPONENTIAL, () => 0, 2, 1))).toBe(0);
  });

  it('rejects an unknown distribution code', () => {
    expect(() => sample(99, createStream(1, 0, 'x', 'y'), 1, 1)).toThrow(RangeError);
  });

  it('codes and fixed cvs follow the DISTRIBUTIONS list', () => {
    expect(DISTRIBUTIONS.map(distributionCode)).toEqual([EXPONENTIAL, DETERMINISTIC, GAMMA, LOGNORMAL, HYPEREXPONENTIAL]);
    expect(fixedCv('exponential')).toBe(1);
    expect(fixedCv('deterministic')).toBe(0);
    expect(fixedCv('gamma')).toBeUndefined();
  });

  it('noiseFactor has mean 1 and is exactly 1 at cv 0', () => {
    expect(noiseFactor(createStream(1, 0, 'n', 'n'), 0)).toBe(1);
    // Lognormal cv 0.3, N = 100,000: SE(mean) = 0.3/sqrt(N) = 9.5e-4; 4 SE.
    const rng = createStream(1, 0, 'n', 'n');
    let s = 0;
    for (let i = 0; i < 100_000; i++) s += noiseFactor(rng, 0.3);
    expect(Math.abs(s / 100_000 - 1)).toBeLessThan(4 * 9.5e-4);
  });
});

describe('xoshiro128**', () => {
  /** Unsigned outputs of generator 0 of `state`. */
  const outputs = (state: Int32Array, count: number): number[] => Array.from({ length: count }, () => xoshiro128Next(state, 0) >>> 0);

  it('matches the reference implementation', () => {
    // Expected values: the reference C code (https://prng.di.unimi.it/xoshiro128starstar.c)
    // compiled with gcc 12.2 -O2 and run from the states below.
    expect(outputs(Int32Array.of(1, 2, 3, 4), 8)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
    const state = Int32Array.of(0x9e3779b9, 0x7f4a7c15, 0xf39cc060 | 0, 0x5ced1234);
    outputs(state, 1000);
    expect(Array.from(state, (w) => w >>> 0)).toEqual([864344459, 3475859247, 3184176484, 3517500422]);
    expect(outputs(state, 1)).toEqual([2106696109]);
  });

  it('generators side by side in one array are independent of each other', () => {
    const together = new Int32Array(8);
    together.set([1, 2, 3, 4, 9, 8, 7, 6]);
    const alone = Int32Array.of(9, 8, 7, 6);
    const interleaved: number[] = [];
    for (let i = 0; i < 100; i++) {
      xoshiro128Next(together, 0);
      interleaved.push(xoshiro128Next(together, 1));
    }
    expect(interleaved).toEqual(Array.from({ length: 100 }, () => xoshiro128Next(alone, 0)));
  });

  it('is seeded from four 32-bit draws of a stream, reproducibly; never the all-zero state', () => {
    const a = new Int32Array(4);
    const b = new Int32Array(4);
    seedXoshiro128(a, 0, createStream(3, 1, 'vcpu:0', 'cpu'));
    seedXoshiro128(b, 0, createStream(3, 1, 'vcpu:0', 'cpu'));
    expect(Array.from(a)).toEqual(Array.from(b));
    const expected = draw(createStream(3, 1, 'vcpu:0', 'cpu'), 4).map((u) => (u * 4294967296) | 0);
    expect(Array.from(a)).toEqual(expected);
    // A source of zeros would leave the generator stuck at zero forever; the seed avoids it.
    const z = new Int32Array(4);
    seedXoshiro128(z, 0, () => 0);
    expect(Array.from(z)).toEqual([1, 0, 0, 0]);
    // The reference code from (1, 0, 0, 0): 0, 5760, 5760, 2954880 (gcc 12.2, as above).
    expect(outputs(z, 4)).toEqual([0, 5760, 5760, 2954880]);
  });

  it('its uniforms are on [0, 1) with mean 1/2 and variance 1/12', () => {
    // Same bounds as the Alea test above: N = 200,000, 4 SE.
    const state = new Int32Array(4);
    seedXoshiro128(state, 0, createStream(1, 0, 'u', 'u'));
    const xs = Array.from({ length: 200_000 }, () => xoshiro128Uniform(state, 0));
    expect(xs.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(0);
    expect(xs.reduce((a, b) => Math.max(a, b))).toBeLessThan(1);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
    expect(Math.abs(m - 0.5)).toBeLessThan(4 * 6.5e-4);
    expect(Math.abs(v - 1 / 12)).toBeLessThan(4 * 1.7e-4);
  });
});
