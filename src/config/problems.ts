// Collects the configuration problems of one validation pass instead of stopping at the first:
// each check that fails is kept and validation goes on with its default, and at the end every
// problem is thrown together.
import { ConfigError, ConfigErrors } from '../errors.js';
import { bool, int, oneOf } from './checks.js';

export class Problems {
  readonly #errors: ConfigError[] = [];

  /** How many problems so far: a check that depends on another can ask whether it passed. */
  get count(): number {
    return this.#errors.length;
  }

  /** Keeps `err`, once per option (a key the first pass reported is met again further down). */
  add(err: ConfigError): void {
    if (!this.#errors.some((e) => e.option === err.option && e.code === err.code)) this.#errors.push(err);
  }

  /** Runs `check`; a ConfigError it throws is kept and `fallback` returned instead. */
  take<T>(check: () => T, fallback: T): T {
    try {
      return check();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      if (err instanceof ConfigErrors) for (const e of err.errors) this.add(e);
      else this.add(err);
      return fallback;
    }
  }

  int(value: unknown, option: string, fallback: number, min: number, max?: number): number {
    return this.take(() => int(value, option, fallback, min, max), fallback);
  }

  bool(value: unknown, option: string, fallback: boolean): boolean {
    return this.take(() => bool(value, option, fallback), fallback);
  }

  oneOf<T extends string>(value: unknown, option: string, allowed: readonly T[], fallback: T): T {
    return this.take(() => oneOf(value, option, allowed, fallback), fallback);
  }

  /** Throws what was found, when validation cannot go on; there must be something. */
  throwAll(): never {
    this.throwIfAny();
    throw new Error('config validation stopped without a problem to report');
  }

  /** Throws what was found: the one problem as it is, several as one ConfigErrors. */
  throwIfAny(): void {
    if (this.#errors.length === 1) throw this.#errors[0]!;
    if (this.#errors.length > 1) throw new ConfigErrors(this.#errors);
  }
}
