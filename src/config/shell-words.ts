// Words of one string as a shell splits simple words, for options given as one string
// (`--node-args`, a PM2 ecosystem file's node_args and args). No shell runs, so what only a
// shell could do (expand a variable, run a command, redirect) is refused, not passed on literally.

/** Characters that mean something to a shell beyond quoting; unquoted (or `$` and `` ` `` in double quotes) they are refused. */
const SHELL_ONLY = new Set(['$', '`', ';', '|', '&', '<', '>', '(', ')']);

/**
 * Splits `value` into words: blanks separate them; '...' keeps everything literally; "..." keeps
 * everything but \" \\ \$ \` (escapes); outside quotes a backslash keeps the next character.
 * Throws an Error naming the position of what it cannot split.
 */
export function splitWords(value: string): string[] {
  const words: string[] = [];
  let word = '';
  /** A word has begun, even if empty so far ('' or "" is an empty word). */
  let open = false;
  let i = 0;
  const refuse = (what: string): never => {
    throw new Error(`${what} at character ${i + 1}: no shell runs here; write the options as plain words, quoted with '...' or "..." where they hold blanks`);
  };
  while (i < value.length) {
    const c = value[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (open) words.push(word);
      word = '';
      open = false;
      i++;
    } else if (c === "'") {
      const end = value.indexOf("'", i + 1);
      if (end < 0) refuse('a single quote that is never closed');
      word += value.slice(i + 1, end);
      open = true;
      i = end + 1;
    } else if (c === '"') {
      const start = i;
      i++;
      for (;;) {
        if (i >= value.length) {
          i = start;
          refuse('a double quote that is never closed');
        }
        const d = value[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < value.length && '"\\$`'.includes(value[i + 1]!)) {
          word += value[i + 1];
          i += 2;
        } else if (d === '$' || d === '`') {
          refuse(`"${d}" (a shell would expand it)`);
        } else {
          word += d;
          i++;
        }
      }
      open = true;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= value.length) refuse('a backslash with nothing after it');
      word += value[i + 1];
      open = true;
      i += 2;
    } else if (SHELL_ONLY.has(c)) {
      refuse(`"${c}" (a shell would ${c === '$' || c === '`' ? 'expand it' : 'take it as an operator'})`);
    } else {
      word += c;
      open = true;
      i++;
    }
  }
  if (open) words.push(word);
  return words;
}
