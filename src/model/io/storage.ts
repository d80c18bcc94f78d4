/**
 * Disk arrays: what a set of disks in a RAID level can serve for a given read/write mix.
 *
 * Sources (../shared/reference/calibration.md §2):
 * - A hard disk's random IOPS = 1000 / (average seek ms + rotational latency ms), rotational
 *   latency = 30,000 / rpm ms (half a revolution; truenas "Dig the IOPS"). With typical seeks
 *   (7.2k rpm 8.5 ms, 10k 4.5 ms, 15k 3.5 ms) that gives 79, 133 and 182 IOPS, inside the
 *   published ranges 75–100, ~130 (VelociRaptor calculation 133) and 175–210.
 * - SSDs: SATA 3,000–40,000 random IOPS, NVMe 100,000–500,000.
 * - RAID write penalty: back-end operations per front-end write: RAID 0 → 1, RAID 1 and 10 → 2,
 *   RAID 5 → 4, RAID 6 → 6 (crucial.com.au; papyri).
 *
 * Front-end capacity. A front-end IO is on average m = r + (1 − r)·penalty back-end operations
 * (r = read share), so n disks of D IOPS serve n·D / m front-end IOPS. (The rule of thumb
 * "raw·read% + raw·write%/penalty", quoted by some of the sources above, agrees at r = 0 and
 * r = 1 but overstates mixes: at 70/30 on RAID 5 it gives 775 of 1,000 raw IOPS, which would
 * need 1,472 back-end operations.)
 *
 * Boot IO on hard disks: short seeks. A boot's reads are not spread over the whole disk: Windows
 * lays its boot files out together (ReadyBoot's boot plan, applied by the scheduled defrag;
 * Microsoft, "Windows Enterprise Client Boot and Logon Optimization – Part 4"). The disk-level
 * trace of a Windows 7 boot (edugeek.net SSD thread, hIOmon) kept one hard disk busy 118 s for
 * 20,000 IOs: 5.9 ms per IO, where a random IO on a 7,200 rpm disk takes 12.7 ms. Taking the
 * trace's disk as 7,200 rpm (a desktop disk; the thread does not say), its boot seeks averaged
 * 5.9 − 4.2 = 1.7 ms, a fifth (BOOT_SEEK_SHARE) of the average seek; other disks' boot seeks are
 * that share of their own average. SSDs have no seeks: boot IO costs what any IO does.
 *
 * Latency. An unloaded front-end IO takes one disk operation; a RAID write's extra operations
 * run on other disks in parallel. Under load the array behaves as n parallel servers each
 * serving front-end IOs at D/m per second (see ./device.ts).
 */

export type RaidLevel = 'raid0' | 'raid1' | 'raid10' | 'raid5' | 'raid6';
export const RAID_LEVELS: readonly RaidLevel[] = ['raid0', 'raid1', 'raid10', 'raid5', 'raid6'];

export const RAID_WRITE_PENALTY: Record<RaidLevel, number> = { raid0: 1, raid1: 2, raid10: 2, raid5: 4, raid6: 6 };

/** Typical average seek of enterprise hard disks by spindle speed, ms (see header). */
export function typicalSeekMs(rpm: number): number {
  if (rpm >= 15_000) return 3.5;
  if (rpm >= 10_000) return 4.5;
  return 8.5;
}

/** Random IOPS of one hard disk: 1000 / (seek + 30,000 / rpm). */
export function hddIops(rpm: number, seekMs = typicalSeekMs(rpm)): number {
  return 1000 / (seekMs + 30_000 / rpm);
}

/** Boot seeks over average seeks: (118 s / 20,000 IOs − 30,000 / 7,200 ms) / 8.5 ms (see header). */
export const BOOT_SEEK_SHARE = (118_000 / 20_000 - 30_000 / 7_200) / 8.5;

/** IOs per second one hard disk serves of a boot's IO (short seeks, see header). */
export function hddBootIops(rpm: number, seekMs = typicalSeekMs(rpm)): number {
  return hddIops(rpm, seekMs * BOOT_SEEK_SHARE);
}

export interface ArraySpec {
  /** Disks in the array (all serving IO: for RAID 10 both halves, for RAID 5 all members). */
  disks: number;
  /** Random IOPS of one disk. */
  iopsPerDisk: number;
  /** IOPS of one disk for boot IO (short seeks on hard disks); `iopsPerDisk` if absent. */
  bootIopsPerDisk?: number;
  raid: RaidLevel;
}

/** Back-end operations per front-end IO at read share r (0..1). */
export function backendOpsPerIo(raid: RaidLevel, readShare: number): number {
  return readShare + (1 - readShare) * RAID_WRITE_PENALTY[raid];
}

/** Front-end IOPS the array sustains at read share r. */
export function arrayIops(array: ArraySpec, readShare: number): number {
  return (array.disks * array.iopsPerDisk) / backendOpsPerIo(array.raid, readShare);
}
