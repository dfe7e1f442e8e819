// The balancer registry: algorithm names, and one factory that turns a name (or a user
// pick function) into a Balancer.
import { inspect } from 'node:util';
import type { Balancer, PickFunction } from './balancer.js';
import { createCustom } from './custom.js';
import { createFirst } from './first.js';
import { createLeastConnections } from './least-connections.js';
import { createLeastResponseTime } from './least-response-time.js';
import { createPowerOfTwo } from './power-of-two.js';
import { createRandom } from './random.js';
import { createRoundRobin } from './round-robin.js';
import { createSourceHash } from './source-hash.js';
import { createWeightedRoundRobin } from './weighted-round-robin.js';

export { type Balancer, type Candidate, type ClientInfo, type PickFunction, isEligible } from './balancer.js';
export { CustomBalancer, createCustom } from './custom.js';
export { createFirst } from './first.js';
export { createLeastConnections } from './least-connections.js';
export { createLeastResponseTime } from './least-response-time.js';
export { buildMaglevTable, DEFAULT_TABLE_SIZE } from './maglev.js';
export { createPowerOfTwo } from './power-of-two.js';
export { createRandom } from './random.js';
export { createRoundRobin } from './round-robin.js';
export { SourceHashBalancer, createSourceHash } from './source-hash.js';
export { createWeightedRoundRobin } from './weighted-round-robin.js';

/** Names accepted by createBalancer, in documentation order. */
export const ALGORITHMS = Object.freeze([
  'round-robin',
  'weighted-round-robin',
  'least-connections',
  'least-response-time',
  'power-of-two',
  'random',
  'source-hash',
  'first',
] as const);

/** One of ALGORITHMS. */
export type AlgorithmName = (typeof ALGORITHMS)[number];

/** Options of createBalancer; each balancer reads only the ones it uses. */
export interface BalancerOptions {
  /** power-of-two, random: source of floats in [0, 1); Math.random by default. */
  readonly random?: () => number;
  /** source-hash: Maglev table size, a prime; 65537 by default. */
  readonly tableSize?: number;
  /** source-hash: hash the client port too; false by default. */
  readonly includePort?: boolean;
}

/** Builds the balancer for an algorithm name, or wraps a user pick function. */
export function createBalancer(algorithm: string | PickFunction, options: BalancerOptions = {}): Balancer {
  if (typeof algorithm === 'function') return createCustom(algorithm);
  switch (algorithm) {
    case 'round-robin':
      return createRoundRobin();
    case 'weighted-round-robin':
      return createWeightedRoundRobin();
    case 'least-connections':
      return createLeastConnections();
    case 'least-response-time':
      return createLeastResponseTime();
    case 'power-of-two':
      return createPowerOfTwo({ random: options.random });
    case 'random':
      return createRandom({ random: options.random });
    case 'source-hash':
      return createSourceHash({ tableSize: options.tableSize, includePort: options.includePort });
    case 'first':
      return createFirst();
    default:
      throw new Error(
        `unknown balancing algorithm ${inspect(algorithm)}; expected one of: ${ALGORITHMS.join(', ')}, or a pick function`,
      );
  }
}
