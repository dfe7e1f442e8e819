// `--node-args "<options>"`: Node options for the workers in one string, as PM2 takes them,
// split as a shell splits simple words (config/shell-words.ts).
import { InvalidArgumentError } from 'commander';
import { splitWords } from '../config/shell-words.js';

/** commander parser for --node-args, repeatable: the words of each value, in order. */
export function nodeArgsFlag(value: string, previous: string[] | undefined): string[] {
  let words: string[];
  try {
    words = splitWords(value);
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`);
  }
  // A stray word would reach Node before the script and be run as the script itself.
  const stray = words.find((w, i) => !w.startsWith('-') && !valueOf(words, i));
  if (stray !== undefined) {
    throw new InvalidArgumentError(`${JSON.stringify(stray)} is not a Node option (they begin with "-"); the script and its arguments go after the options.`);
  }
  return [...(previous ?? []), ...words];
}

/**
 * Whether words[i] can be the value of the option before it (`--import tsx`, `-r ts-node/register`):
 * it can if that option has no "=" value of its own. (Which options take a value is Node's to say.)
 */
function valueOf(words: readonly string[], i: number): boolean {
  const before = i > 0 ? words[i - 1]! : '';
  return before.startsWith('-') && !before.includes('=');
}
