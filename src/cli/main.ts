#!/usr/bin/env node
// The `portplex` command.
import { CommanderError } from 'commander';
import { ConfigErrors, EXIT, PortplexError } from '../errors.js';
import type { Flags } from './options.js';
import { addAdminCommands } from './admin-commands.js';
import { HELP_POINTER, program } from './program.js';
import { run } from './run.js';

async function main(argv: string[]): Promise<number> {
  const cmd = program();
  // A subcommand's work, when one ran instead of the master.
  let work: Promise<void> | undefined;
  addAdminCommands(cmd, (p) => { work = p; });
  let runArgs: [string | undefined, string[]] | undefined;
  cmd.action((script: string | undefined, rawArgs: string[]) => { runArgs = [script, rawArgs]; });
  try {
    cmd.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.config;
    }
    throw err;
  }
  if (work) {
    await work;
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  }
  const [script, rawArgs] = runArgs ?? [undefined, []];
  // With passThroughOptions commander keeps the "--" separator; the application must not see it.
  const args = rawArgs[0] === '--' ? rawArgs.slice(1) : rawArgs;
  const flags = cmd.opts<Flags>();
  if (script === undefined && flags.config === undefined) {
    // One line that says what is missing, not a screen of help above it.
    console.error(`portplex: missing <script> (or --config with a "script")\nusage: portplex [options] <script> [args...]; ${HELP_POINTER}`);
    return EXIT.config;
  }
  return run(script, args, flags);
}

// `portplex --help | head` or a log pipe that closes: a closed stdout is not a reason to crash,
// least of all for a running master, which goes on serving without its log.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof ConfigErrors) {
      // Each of its lines carries its own code.
      console.error(`portplex: ${err.message}`);
      process.exitCode = err.exitCode;
    } else if (err instanceof PortplexError) {
      console.error(`portplex: ${err.message} [${err.code}]`);
      process.exitCode = err.exitCode;
    } else {
      console.error('portplex: internal error:', err);
      process.exitCode = EXIT.internal;
    }
  },
);
