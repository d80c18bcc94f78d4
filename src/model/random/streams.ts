/**
 * Seeded random streams, one per (replication, entity, purpose).
 *
 * A stream's seed is a string naming everything it belongs to, e.g. `42|r3|vm:desktop#17|cpu`,
 * hashed by Alea's Mash function. Because no stream is drawn from a shared sequence, adding a VM
 * does not change the numbers any other VM sees, and replication k draws the same numbers
 * whatever else runs beside it (in another worker or another shard).
 *
 * The generator is Johannes Baagøe's Alea (2010, MIT licence; the port in seedrandom's
 * lib/alea.js, https://github.com/davidbau/seedrandom), the fast generator of seedrandom (~12 ns a
 * draw against ~46 ns for the default ARC4, measured in ../shared/reference/ecosystem.md); its
 * 32-bit resolution is ample for the distributions sampled here. It is written out here rather
 * than called through seedrandom because a replication creates a few streams per VM and
 * seedrandom's construction (a Mash closure, a generator object and three helper closures hung
 * on the returned function) cost twice the arithmetic; the numbers are bit for bit seedrandom's
 * (test/model/random.test.ts compares them), and the three Mash passes over the single space
 * that start every seeding are done once.
 */

/** A uniform generator on [0, 1). */
export type Rng = () => number;

/** The seed string of a stream: master seed, replication, entity and purpose. */
export function streamKey(seed: number, replication: number, entity: string, purpose: string): string {
  return `${seed}|r${replication}|${entity}|${purpose}`;
}

/** Creates the stream named by its parts. Identical parts always give the identical stream. */
export function createStream(seed: number, replication: number, entity: string, purpose: string): Rng {
  return alea(streamKey(seed, replication, entity, purpose));
}

/** 2^−32. */
const INV_2_32 = 2.3283064365386963e-10;
/** Mash's state (a double) between calls of `mash` within one seeding. */
let mashState = 0;

/**
 * Baagøe's Mash: hashes `data` into the running state and returns the state as a uniform.
 *
 * Mash writes `n = h >>> 0`; here it is Math.floor(h), the same number: n stays in [0, 2^33 +
 * 65535] (an integer below 2^32 plus a fraction times 2^32, plus a char code), so both values of
 * h that are truncated are in [0, 2^32), where ToUint32 is floor. floor keeps the loop in
 * doubles (a round instruction) where >>> 0 converts to an integer and back, and each character
 * waits for the previous one: seeding a stream took 1.26 µs with >>> 0 and 0.76 µs with floor
 * (a 35-character key, measured), and a replication of vdi-callcenter seeds about 1,100 streams.
 */
function mash(data: string): number {
  let n = mashState;
  for (let i = 0; i < data.length; i++) {
    n += data.charCodeAt(i);
    let h = 0.02519603282416938 * n;
    n = Math.floor(h);
    h -= n;
    h *= n;
    n = Math.floor(h);
    h -= n;
    n += h * 0x100000000; // 2^32
  }
  mashState = n;
  return (n >>> 0) * INV_2_32;
}

// Every Alea seeding starts with Mash's initial state and three passes over ' '.
mashState = 0xefc8249d;
const SPACE0 = mash(' ');
const SPACE1 = mash(' ');
const SPACE2 = mash(' ');
const SPACE_STATE = mashState;

/** Alea seeded with `seed`: the sequence of seedrandom's `alea(seed)`. */
export function alea(seed: string): Rng {
  mashState = SPACE_STATE;
  let s0 = SPACE0 - mash(seed);
  if (s0 < 0) s0 += 1;
  let s1 = SPACE1 - mash(seed);
  if (s1 < 0) s1 += 1;
  let s2 = SPACE2 - mash(seed);
  if (s2 < 0) s2 += 1;
  let c = 1;
  return () => {
    const t = 2091639 * s0 + c * INV_2_32;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    return s2;
  };
}

/** Stream factory bound to one replication, handed to models so they never see the master seed. */
export interface StreamFactory {
  readonly seed: number;
  readonly replication: number;
  stream(entity: string, purpose: string): Rng;
}

export function streamFactory(seed: number, replication: number): StreamFactory {
  return {
    seed,
    replication,
    stream: (entity, purpose) => createStream(seed, replication, entity, purpose),
  };
}
