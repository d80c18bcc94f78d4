/**
 * A copy of the fleet's VM states (ReplicationContext.vmState), to tell whether any VM changed
 * state since the copy was taken. Models that redo a per-VM pass only when states change (the IO
 * model's steady loads, the CPU model's weights) compare against it every step: most steps of a
 * day change no state, and comparing four states at a time costs a fraction of the pass it saves.
 */
export class StateSnapshot {
  private readonly seen: Uint8Array;
  /** `seen` as 32-bit words (its whole multiples of four states). */
  private readonly seenWords: Int32Array;
  /** The caller's state array as words, made once per array (undefined when it is not 4-byte aligned). */
  private wordsOf: Uint8Array | undefined;
  private words: Int32Array | undefined;
  private taken = false;

  constructor(vms: number) {
    this.seen = new Uint8Array(vms);
    this.seenWords = new Int32Array(this.seen.buffer, 0, vms >> 2);
  }

  /** Whether `vmState` holds what take() last copied (false before the first take). */
  matches(vmState: Uint8Array): boolean {
    if (!this.taken) return false;
    if (this.wordsOf !== vmState) {
      this.wordsOf = vmState;
      this.words = vmState.byteOffset % 4 === 0 ? new Int32Array(vmState.buffer, vmState.byteOffset, vmState.length >> 2) : undefined;
    }
    const seen = this.seen;
    let i = 0;
    const words = this.words;
    if (words) {
      const mine = this.seenWords;
      for (let w = 0; w < words.length; w++) if (words[w] !== mine[w]) return false;
      i = words.length << 2;
    }
    for (; i < vmState.length; i++) if (vmState[i] !== seen[i]) return false;
    return true;
  }

  /** Copies `vmState`. */
  take(vmState: Uint8Array): void {
    this.seen.set(vmState);
    this.taken = true;
  }
}
