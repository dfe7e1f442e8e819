// Shared builders for the bench unit tests.
import { emptyFigures, type Figures, type SetupRound } from '../../../bench/metrics.js';

/** A round result with the given figures (the rest null). */
export function round(setup: string, r: number, figures: Partial<Figures>, error?: string): SetupRound {
  return { setup, round: r, figures: { ...emptyFigures(), ...figures }, raw: {}, ...(error ? { error } : {}) };
}
