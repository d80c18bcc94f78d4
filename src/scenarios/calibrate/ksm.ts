/**
 * KSM sharing from a host's sysfs: the `sharedPct` of a VM group, measured.
 *
 * Input: a dump of /sys/kernel/mm/ksm, as `grep . /sys/kernel/mm/ksm/*` prints it
 * (`/sys/kernel/mm/ksm/pages_sharing:1249897`) or as `name value` lines. The kernel's own
 * accounting (Documentation/admin-guide/mm/ksm.rst): `pages_sharing` counts the page sites
 * sharing a merged page, "how much saved"; with `use_zero_pages` on, empty pages merge with the
 * kernel's zero page and are counted in `ksm_zero_pages` instead (kernels ≥ 6.10).
 *
 * The memory model (../../model/memory/host-memory.ts) saves, once ksmd has converged, a share
 * s of each guest's used memory U among n guests of one image, n copies merging into one:
 * saved = s · U · (n − 1), plus the guests' zero pages. So s = (saved − zero) / ((n − 1) · U).
 * Zero pages are the Windows free floor (`freeFloorPct`), counted apart: give them (`zeroGiB`
 * per guest) when the guests zero their free memory and `use_zero_pages` is off.
 */
const PAGE_BYTES = 4096;
const GIB = 1024 ** 3;

export interface KsmDump {
  values: Record<string, number>;
}

export interface KsmCalibration {
  savedGiB: number;
  zeroPagesGiB: number;
  sharedPct: number;
  /** Warnings that make the figure a bound rather than a measurement. */
  notes: string[];
}

export class CalibrationInputError extends Error {}

/** Reads a sysfs dump; names are the file names (`pages_sharing`). */
export function parseKsmDump(text: string, file: string): KsmDump {
  const values: Record<string, number> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:\S*\/)?([a-z_]+)\s*[:= \t]\s*(-?\d+)$/.exec(line);
    if (!m) throw new CalibrationInputError(`${file}:${i + 1}: expected a KSM sysfs line such as '/sys/kernel/mm/ksm/pages_sharing:1249897' (from \`grep . /sys/kernel/mm/ksm/*\`), found '${line.slice(0, 60)}'`);
    values[m[1]!] = Number(m[2]);
  });
  if (values.pages_sharing === undefined) throw new CalibrationInputError(`${file}: no pages_sharing line; capture it with \`grep . /sys/kernel/mm/ksm/*\` on the host`);
  return { values };
}

/**
 * The sharedPct that reproduces the dump: `vms` guests of one image on the host, each using
 * `usedGiB` (active + cache: `virsh dommemstat` actual − unused), each with `zeroGiB` of zeroed
 * free memory (Windows; 0 for Linux).
 */
export function calibrateKsm(dump: KsmDump, guests: { vms: number; usedGiB: number; zeroGiB: number }, file: string): KsmCalibration {
  if (!(guests.vms >= 2)) throw new CalibrationInputError(`${file}: --vms must be at least 2 (KSM saves by merging copies across guests), found ${guests.vms}`);
  if (!(guests.usedGiB > 0)) throw new CalibrationInputError(`${file}: --used-gib must be > 0 (each guest's used memory: virsh dommemstat actual − unused), found ${guests.usedGiB}`);
  const v = dump.values;
  const notes: string[] = [];
  const savedGiB = (v.pages_sharing! * PAGE_BYTES) / GIB;
  // With use_zero_pages, empty pages are merged into the kernel's zero page and counted apart.
  const zeroCounted = (v.ksm_zero_pages ?? 0) * PAGE_BYTES / GIB;
  const zeroInSharing = v.use_zero_pages === 1 ? 0 : guests.zeroGiB * guests.vms;
  if (v.use_zero_pages === 1 && v.ksm_zero_pages === undefined && guests.zeroGiB > 0) {
    notes.push('use_zero_pages is on but the kernel has no ksm_zero_pages counter (before 6.10): zero pages are in neither count, so --zero-gib is ignored');
  }
  if (v.run !== undefined && v.run !== 1) notes.push(`ksmd is not running (run = ${v.run}): the sharing is what an earlier run left, a lower bound`);
  if (v.full_scans !== undefined && v.full_scans < 2) notes.push(`ksmd has finished ${v.full_scans} full scan${v.full_scans === 1 ? '' : 's'}: pages merge on the second scan at the earliest, so the sharing is a lower bound`);
  const sharedGiB = savedGiB - zeroInSharing;
  if (sharedGiB < 0) throw new CalibrationInputError(`${file}: pages_sharing saves ${savedGiB.toFixed(2)} GiB, less than the ${zeroInSharing.toFixed(2)} GiB of zero pages --zero-gib claims; lower --zero-gib`);
  const sharedPct = (100 * sharedGiB) / ((guests.vms - 1) * guests.usedGiB);
  if (sharedPct > 100) throw new CalibrationInputError(`${file}: ${savedGiB.toFixed(2)} GiB saved is more than ${guests.vms} guests of ${guests.usedGiB} GiB used could share; check --vms and --used-gib`);
  return { savedGiB, zeroPagesGiB: zeroCounted + zeroInSharing, sharedPct, notes };
}
