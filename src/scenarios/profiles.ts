/**
 * Daily load shapes: 24 hourly weights from midnight, rescaled to mean 1 so that a workload's
 * `utilPct` stays its mean over the day.
 *
 * The presets are stylised shapes, not measurements: `office` is a working day 8:00–18:00 with a
 * lunch dip; `night` is batch work that runs while offices are closed; `callcenter` is two shifts 8:00–20:00 as in the VDI field report
 * (../shared/seeds/004_*.txt, a call centre). Replace them with measured traces where you have them.
 */
export const PROFILE_PRESETS: Record<string, readonly number[]> = {
  flat: Array.from({ length: 24 }, () => 1),
  //      0    1    2    3    4    5    6    7    8    9   10   11   12   13   14   15   16   17   18   19   20   21   22   23
  office: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.0, 1.0, 1.0, 0.7, 1.0, 1.0, 1.0, 1.0, 0.8, 0.4, 0.2, 0.2, 0.1, 0.1, 0.1],
  night: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.0],
  callcenter: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.4, 1.0, 1.0, 1.0, 1.0, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.5, 0.2, 0.1, 0.1],
};

/** The 24 weights of a preset name or a user array, rescaled to mean 1 (all zeros stay zeros). */
export function resolveProfile(profile: string | readonly number[]): number[] {
  const weights = typeof profile === 'string' ? PROFILE_PRESETS[profile] : profile;
  if (!weights || weights.length !== 24) throw new RangeError(`unknown profile ${String(profile)}`);
  const mean = weights.reduce((a, b) => a + b, 0) / 24;
  return weights.map((w) => (mean > 0 ? w / mean : 0));
}
