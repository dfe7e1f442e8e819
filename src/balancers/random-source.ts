// The random number source shared by the randomized balancers, injectable for tests.

/** Returns a float in [0, 1), as Math.random does. */
export type RandomSource = () => number;

/** Checks a user-given random source once, when the balancer is built. */
export function checkRandom(random: unknown): RandomSource {
  if (random === undefined) return Math.random;
  if (typeof random !== 'function') {
    throw new TypeError(`balancer option random: expected a function returning [0, 1), got ${typeof random}`);
  }
  return random as RandomSource;
}

/** An integer in [0, k) from the source; a source misbehaving (1, NaN) still stays in range. */
export function drawBelow(random: RandomSource, k: number): number {
  const x = Math.floor(random() * k);
  return x >= 0 && x < k ? x : 0;
}
