/**
 * CPU of host threads by kind (ksmd, daemons, QEMU main loops, vhost workers, iothreads): how many
 * core-seconds each kind ran over the replication and the largest share of one core any single
 * thread of the kind took in an interval. Threads are slots of the fleet layout (../fleet-layout.ts).
 */
import { THREAD_KINDS, type FleetLayout } from '../fleet-layout.js';

/** CPU of host threads by kind (THREAD_KINDS order). */
export interface ThreadReplication {
  /** Core-seconds each kind ran, all hosts. */
  coreSeconds: Float64Array;
  /** Largest share of one core a single thread of the kind ran in an interval. */
  maxShare: Float64Array;
}

export class ThreadRecorder {
  readonly result: ThreadReplication = { coreSeconds: new Float64Array(THREAD_KINDS.length), maxShare: new Float64Array(THREAD_KINDS.length) };

  constructor(
    private readonly layout: FleetLayout,
    private readonly stepSeconds: number,
  ) {}

  /** Adds what host-thread slots [from, to) ran this interval (`run` holds running shares, indexed from `offset`). */
  record(from: number, to: number, run: Float64Array, offset: number): void {
    const { layout, result } = this;
    const step = this.stepSeconds;
    for (let s = from; s < to; s++) {
      const kind = layout.kind[s]!;
      const share = run[s - offset]!;
      result.coreSeconds[kind]! += share * layout.vcpus[s]! * step;
      if (share > result.maxShare[kind]!) result.maxShare[kind] = share;
    }
  }
}
