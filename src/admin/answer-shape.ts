// The shape a command expects of a master's result, checked before a field is read: a forged or
// broken answer is an error that names the field, never a TypeError while printing it.

const MAYBE = Symbol('maybe');

/**
 * 'number', 'string', 'boolean'; with '?' also null or missing; 'any' anything; [shape] an
 * array of that shape; an object: those fields at least (more are let through, for newer
 * masters); maybe(shape): that shape, or null or missing.
 */
export type Shape = 'number' | 'number?' | 'string' | 'string?' | 'boolean' | 'boolean?' | 'any' | readonly [Shape] | { readonly [MAYBE]: Shape } | { readonly [field: string]: Shape };

/** `shape`, or null or missing. */
export function maybe(shape: Shape): Shape {
  return { [MAYBE]: shape };
}

/** The first place where `value` differs from `shape`, as "field: expected ..., got ...", or undefined. */
export function shapeProblem(value: unknown, shape: Shape, at = 'result'): string | undefined {
  if (shape === 'any') return undefined;
  if (typeof shape === 'string') {
    const optional = shape.endsWith('?');
    if (optional && value == null) return undefined;
    const type = optional ? shape.slice(0, -1) : shape;
    const ok = type === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === type;
    return ok ? undefined : `${at}: expected ${type === 'number' ? 'a number' : `a ${type}`}, got ${describe(value)}`;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return `${at}: expected a list, got ${describe(value)}`;
    for (let i = 0; i < value.length; i++) {
      const p = shapeProblem(value[i], shape[0], `${at}[${i}]`);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if (MAYBE in shape) return value == null ? undefined : shapeProblem(value, shape[MAYBE], at);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${at}: expected an object, got ${describe(value)}`;
  for (const [field, s] of Object.entries(shape as Record<string, Shape>)) {
    const p = shapeProblem((value as Record<string, unknown>)[field], s, `${at}.${field}`);
    if (p !== undefined) return p;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return typeof value === 'object' ? 'an object' : String(value);
}
