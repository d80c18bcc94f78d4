/**
 * Closed-form upper bounds that let the fleet kernel's CFS split (./fleet.ts) see, before doing
 * the work, that no bin of a host can wait: on a lightly loaded host (the bundled vdi-callcenter
 * desktops keep about 5 of 56 hardware threads busy) every bin's waiting comes out below 10⁻¹²,
 * which the split treats as none, so the convolution and the table look-ups change nothing.
 *
 * - repairmanWaitingBound: E[(K − c)+] of M/M/c//n (./queueing.ts). Up to c runnable the chain's
 *   weights are binomial, C(n, k)·ρᵏ; beyond c each step multiplies by (n − k)·ρ/c <= r =
 *   (n − c)·ρ/c. So with b(c) the Binomial(n, u) pmf at c and F its CDF at c,
 *       W <= p(c) · Σ_{m>=1} m·rᵐ <= (b(c) / F) · r / (1 − r)²,
 *   and by the Chernoff–Hoeffding bound b(c) <= P(Bin >= c) <= E = exp(−n·D(c/n ‖ u)), D the
 *   binary relative entropy (Hoeffding 1963, Theorem 1), while F >= 1 − E >= 1/2 when E <= 1/2.
 * - binomialSumTail: P(K >= a) for K a sum of independent Binomial(n_b, u_b), the lighter bins'
 *   busy count the split convolves, by the Chernoff bound exp(−θa)·Π(1 − u_b + u_b·e^θ)^n_b at the
 *   θ that is optimal for one binomial of the same mean (any θ > 0 gives a valid bound).
 * Both return +∞ (no bound) where their conditions fail; callers then do the exact work.
 */

/** Upper bound on E[(K − c)+] of M/M/c//n with ρ = u / (1 − u), 1 <= c; +∞ where none applies. */
export function repairmanWaitingBound(n: number, c: number, rho: number): number {
  if (c >= n) return 0;
  if (!(rho > 0)) return 0;
  const u = rho / (1 + rho);
  const x = c / n;
  if (!(x > u)) return Number.POSITIVE_INFINITY;
  const r = ((n - c) * rho) / c;
  if (!(r < 1)) return Number.POSITIVE_INFINITY;
  const divergence = x * Math.log(x / u) + (1 - x) * Math.log((1 - x) / (1 - u));
  const tail = Math.exp(-n * divergence);
  if (!(tail <= 0.5)) return Number.POSITIVE_INFINITY;
  return (2 * tail * r) / ((1 - r) * (1 - r));
}

/**
 * Upper bound on P(K >= a), K = Σ_b Binomial(ns[b], us[b]) over the bins b < `bins` with
 * ns[b] > 0 and us[b] > 0 (1 is returned when some us[b] >= 1).
 */
export function binomialSumTail(ns: Float64Array, us: Float64Array, bins: number, a: number): number {
  let count = 0;
  let mean = 0;
  // Bins with no vCPUs or no demand are never busy.
  for (let b = 0; b < bins; b++) {
    if (!(ns[b]! > 0 && us[b]! > 0)) continue;
    if (us[b]! >= 1) return 1;
    count += ns[b]!;
    mean += ns[b]! * us[b]!;
  }
  if (a > count) return 0;
  if (!(a > mean)) return 1;
  let log = 0;
  if (a >= count) {
    // P(K = count): every vCPU busy.
    for (let b = 0; b < bins; b++) if (ns[b]! > 0 && us[b]! > 0) log += ns[b]! * Math.log(us[b]!);
    return Math.exp(log);
  }
  const p = mean / count;
  // Any θ > 0 bounds the tail; capped so that e^θ stays finite for tiny utilisations.
  const theta = Math.min(700, Math.log((a * (1 - p)) / (p * (count - a))));
  const grow = Math.exp(theta) - 1;
  log = -theta * a;
  for (let b = 0; b < bins; b++) if (ns[b]! > 0 && us[b]! > 0) log += ns[b]! * Math.log1p(us[b]! * grow);
  return Math.min(1, Math.exp(log));
}
