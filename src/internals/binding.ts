// process.binding(), read quietly: newer Node releases warn once about it (DEP0111), and this use
// is deliberate and pinned by test/unit/node-internals.test.ts, so the application's stderr
// should not carry that warning.

/** The named internal binding, or undefined where this Node does not give it. */
export function binding(name: string): Record<string, unknown> | undefined {
  const proc = process as unknown as { binding?: (name: string) => unknown; noDeprecation?: boolean };
  const quiet = proc.noDeprecation;
  try {
    proc.noDeprecation = true;
    const b = proc.binding?.(name);
    return typeof b === 'object' && b !== null ? b as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  } finally {
    proc.noDeprecation = quiet;
  }
}
