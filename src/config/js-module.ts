// Loads a JavaScript config file (.js, .cjs, .mjs) with import(), so Node decides ESM or CommonJS
// as for any module (the extension, else the nearest package.json "type"). Every failure names
// the file, and the line where Node can tell it.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { CODES, ConfigError } from '../errors.js';

export const JS_EXTENSIONS: readonly string[] = ['.js', '.cjs', '.mjs'];

/**
 * The config `full` exports: its default export (`export default`, or `module.exports` under
 * CommonJS); a function there is called once, without arguments, and its result (or what its
 * promise resolves to) is the config.
 */
export async function importConfig(full: string): Promise<unknown> {
  const fail = (message: string): ConfigError => new ConfigError(CODES.CONFIG_FILE, '--config', `${full}: ${message}`);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(full).href)) as { default?: unknown };
  } catch (err) {
    throw fail(loadFailure(full, err));
  }
  let value = mod.default;
  if (value === undefined) {
    throw fail('exports no config: write `export default { ... }` (ES module) or `module.exports = { ... }` (CommonJS)');
  }
  if (typeof value === 'function') {
    try {
      value = await (value as () => unknown)();
    } catch (err) {
      throw fail(`its exported function threw: ${described(full, err)}`);
    }
  }
  if (value === null || typeof value !== 'object') throw fail(`exports ${typeof value === 'function' ? 'a function' : String(value)}, not a config object`);
  if (!Array.isArray(value) && Object.keys(value).length === 0) {
    throw fail('exports an empty object: write `export default { ... }` (ES module) or `module.exports = { ... }` (CommonJS)');
  }
  return value;
}

/** Why import() failed: a syntax error with its line, or what the module threw while it ran. */
function loadFailure(full: string, err: unknown): string {
  if (err instanceof SyntaxError) {
    // An ES module's syntax error carries no location on the error object (Node prints it only
    // when the error is uncaught); `node --check` prints it first, as "<file>:<line>".
    const line = syntaxLine(full) ?? lineIn(full, err);
    const hint = /\b(export|import)\b/.test(err.message) && full.endsWith('.js')
      ? ' (Node read it as CommonJS: name it .mjs, or set "type": "module" in its package.json)'
      : '';
    return `syntax error${line === undefined ? '' : ` at line ${line}`}: ${err.message}${hint}`;
  }
  return `threw while loading: ${described(full, err)}`;
}

/** "Error: boom (line 3)": the message, and the file's line in the stack when there is one. */
function described(full: string, err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : `${String(err)}`;
  const line = lineIn(full, err);
  return line === undefined ? text : `${text} (line ${line})`;
}

/** The first line of `full` the error's stack names. */
function lineIn(full: string, err: unknown): number | undefined {
  const stack = err instanceof Error ? err.stack ?? '' : '';
  const url = pathToFileURL(full).href;
  for (const name of [url, full]) {
    const at = stack.indexOf(`${name}:`);
    if (at < 0) continue;
    const m = /^:(\d+)/.exec(stack.slice(at + name.length));
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** The line `node --check` reports for a file that does not parse; undefined if it cannot tell. */
function syntaxLine(full: string): number | undefined {
  const r = spawnSync(process.execPath, ['--check', full], { encoding: 'utf8', timeout: 10000 });
  const first = (r.stderr ?? '').split('\n', 1)[0] ?? '';
  const m = first.startsWith(full) ? /^:(\d+)$/.exec(first.slice(full.length)) : null;
  return m ? Number(m[1]) : undefined;
}
