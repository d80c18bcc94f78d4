/**
 * A storage device under load: IO latency, utilisation and the throughput each kind of load gets.
 *
 * The device is c parallel servers (the disks of an array), each spending S seconds per
 * front-end IO (S = back-end operations per IO / disk IOPS, ./storage.ts), so its capacity is
 * C = c / S IOPS. Its load comes from closed loops — a VM waits for its IOs before issuing more:
 * - booting VMs keep a few IOs in flight each and think briefly between them (./boot.ts);
 * - running VMs keep one IO in flight each and think long enough that, on an idle device, they
 *   issue their nominal steady IOPS.
 *
 * Every IO in flight alternates think time Z_i and the device (queue + service), so the device is
 * a machine-repairman system with mixed think times. Its total throughput comes from the
 * repairman queue M/M/c//n (../cpu/queueing.ts) matched to the first two moments of the number of
 * IOs that would be at the device without queueing (each is there with probability
 * u_i = S / (S + Z_i)), as the CPU fleet kernel does; exact for one kind of load. All IOs wait in
 * one FIFO queue, so they share one response time R, which splits the throughput X between the
 * kinds by Little's law per kind: Σ K_i / (Z_i + R) = X. Against a discrete-event simulation of
 * the array (test/model/io.test.ts) both kinds' throughputs are within 2 %.
 *
 * At saturation X → C and R → K / C − Z: outstanding IOs over what the device serves, the field
 * report's regime (many boots, disks 100 % busy, ~0.2 s per IO). When the device cannot serve
 * the running VMs' nominal IOPS they get less, reported as a shortfall, never an unbounded queue.
 */
import { erlangC, solveRepairman } from '../cpu/queueing.js';

export interface LoadClass {
  /** IOs in flight in all. */
  outstanding: number;
  /** Time between one IO's completion and the next, seconds. */
  thinkSeconds: number;
}

export interface DeviceLoad {
  /** Parallel servers (disks). */
  servers: number;
  /** Server time per front-end IO, seconds. */
  serviceSeconds: number;
  /** Running VMs' steady IO. */
  steady: LoadClass;
  /** Booting VMs' IO. */
  boot: LoadClass;
}

export interface DeviceState {
  /** Mean time an IO spends at the device (queue + service), seconds. */
  latencySeconds: number;
  /** Busy share of the servers, 0..1. */
  utilization: number;
  /** Throughput of the boot IO, IOPS. */
  bootIops: number;
  /** Throughput of the steady IO, IOPS. */
  steadyIops: number;
}

/** Mean queueing wait of M/M/c at arrival rate λ (Erlang C); +Infinity at or above capacity. */
export function mmcWaitSeconds(servers: number, serviceSeconds: number, arrivalIops: number): number {
  const offered = arrivalIops * serviceSeconds;
  if (offered <= 0) return 0;
  if (offered >= servers) return Number.POSITIVE_INFINITY;
  return (erlangC(servers, offered) * serviceSeconds) / (servers - offered);
}

/** Think time that makes `outstanding` IOs in flight issue `iops` on an idle device. */
export function thinkForRate(outstanding: number, iops: number, serviceSeconds: number): number {
  return iops > 0 ? Math.max(0, outstanding / iops - serviceSeconds) : 0;
}

/** Solves the device's steady state for the given load, written into `out`. */
export function solveDevice(load: DeviceLoad, out: DeviceState): DeviceState {
  const { servers, serviceSeconds: s, steady, boot } = load;
  // Σu and Σu² of the IOs' chance to be at the device without queueing.
  const us = steady.outstanding > 0 ? s / (s + steady.thinkSeconds) : 0;
  const ub = boot.outstanding > 0 ? s / (s + boot.thinkSeconds) : 0;
  const s1 = steady.outstanding * us + boot.outstanding * ub;
  const s2 = steady.outstanding * us * us + boot.outstanding * ub * ub;
  if (s1 <= 0) {
    out.latencySeconds = s;
    out.utilization = 0;
    out.bootIops = 0;
    out.steadyIops = 0;
    return out;
  }
  let n = Math.max(1, Math.round((s1 * s1) / s2));
  let u = s1 / n;
  if (u > 1) {
    n = Math.ceil(s1);
    u = s1 / n;
  }
  const busy = solveRepairman({ meanWaiting: 0, meanRunning: 0 }, n, servers, u).meanRunning;
  const throughput = busy / s;
  // The common response time R: Σ K_i / (Z_i + R) = X, decreasing in R, R >= S.
  const rateAt = (r: number): number =>
    (steady.outstanding > 0 ? steady.outstanding / (steady.thinkSeconds + r) : 0) + (boot.outstanding > 0 ? boot.outstanding / (boot.thinkSeconds + r) : 0);
  let lo = s;
  let hi = s;
  while (rateAt(hi) > throughput) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (rateAt(mid) > throughput) lo = mid;
    else hi = mid;
  }
  const response = (lo + hi) / 2;
  out.latencySeconds = response;
  out.utilization = busy / servers;
  out.steadyIops = steady.outstanding > 0 ? steady.outstanding / (steady.thinkSeconds + response) : 0;
  out.bootIops = boot.outstanding > 0 ? boot.outstanding / (boot.thinkSeconds + response) : 0;
  return out;
}

export function deviceState(): DeviceState {
  return { latencySeconds: 0, utilization: 0, bootIops: 0, steadyIops: 0 };
}
