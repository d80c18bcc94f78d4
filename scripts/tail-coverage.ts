/**
 * How often the peaks-over-threshold interval (src/model/stats/tail.ts) covers a known tail
 * probability, by sample size: the measurement behind TAIL_DECIDE_SAMPLES in src/study/risk.ts
 * and the table in docs/risk.md ("Peaks over threshold").
 *
 * For each score distribution, 300 samples of n scores; each gives the profile-likelihood 95 %
 * interval of P(score > level), the level chosen so the probability is about 3·10⁻⁴, the per-day
 * limit of a 1 % per host-month SLO. Counted: intervals that cover it, that lie wholly below it
 * (the dangerous miss: a risk shown under its limit when it is not), and that lie wholly above it.
 *
 * Run: `npm run build --silent && node dist/scripts/tail-coverage.js` (about a minute).
 */
import { tailProbability } from '../src/model/stats/tail.js';
import { alea } from '../src/model/random/streams.js';

const SAMPLES = 300;
const rng = alea('tail-coverage');
const normal = (): number => {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
};
const studentT4 = (): number => {
  let chi2 = 0;
  for (let i = 0; i < 4; i++) chi2 += normal() ** 2;
  return normal() / Math.sqrt(chi2 / 4);
};

/** Each: a draw, a level and P(X > level) in closed form. */
const cases: { name: string; draw: () => number; level: number; p: number }[] = [
  { name: 'exponential (ξ = 0)', draw: () => -Math.log(1 - rng()), level: 8, p: Math.exp(-8) },
  // P(Z > 3.4) for the standard normal.
  { name: 'normal (light, ξ → 0 slowly)', draw: normal, level: 3.4, p: 3.369e-4 },
  // Student t with 4 degrees of freedom: P(T > t) = ½ − ¾u(1 − u²/3), u = t / √(4 + t²).
  { name: 'Student t4 (heavy, ξ = 0.25)', draw: studentT4, level: 6, p: 0.5 - 0.75 * (6 / Math.sqrt(40)) * (1 - 36 / 40 / 3) },
  // The largest of three uniforms: bounded at 1, P(X > 1 − 10⁻⁴) = 1 − (1 − 10⁻⁴)³.
  { name: 'max of 3 uniforms (bounded, ξ = −1)', draw: () => Math.max(rng(), rng(), rng()), level: 0.9999, p: 1 - 0.9999 ** 3 },
];

console.log(`${SAMPLES} samples each; intervals that cover P(X > level), lie below it, lie above it`);
console.log('distribution'.padEnd(38), 'n'.padStart(5), 'P'.padStart(9), 'cover'.padStart(6), 'below'.padStart(6), 'above'.padStart(6));
for (const c of cases) {
  for (const n of [250, 500, 1000]) {
    let cover = 0;
    let below = 0;
    let above = 0;
    for (let s = 0; s < SAMPLES; s++) {
      const t = tailProbability(Array.from({ length: n }, c.draw), c.level);
      if (!t) continue;
      if (t.upper95 < c.p) below++;
      else if (t.lower95 > c.p) above++;
      else cover++;
    }
    console.log(c.name.padEnd(38), String(n).padStart(5), c.p.toExponential(2).padStart(9), String(cover).padStart(6), String(below).padStart(6), String(above).padStart(6));
  }
}
