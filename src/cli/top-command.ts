// `portplex top`: the command line of the live view.
import type { Command } from 'commander';
import { defaultAdminPath } from '../admin/socket-path.js';
import { wholeNumber } from './options.js';
import { top } from './top/loop.js';

/** ms between refreshes by default, and the bounds --interval accepts. */
export const INTERVAL = Object.freeze({ default: 1000, min: 100, max: 60000 });

/** Adds `top` to `program`; `run` receives its promise. */
export function addTopCommand(program: Command, run: (work: Promise<void>) => void): void {
  program
    .command('top')
    .description('a live view of a running master, refreshed every interval: listeners, workers, recent events; keys drain, undrain, reload')
    .option('--admin <path>', 'admin socket of the master', defaultAdminPath())
    .option('--interval <ms>', `time between refreshes, ${INTERVAL.min}-${INTERVAL.max} (default: ${INTERVAL.default})`, wholeNumber(INTERVAL.min, INTERVAL.max))
    .exitOverride()
    .action((opts: { admin: string; interval?: number }) => run(top({ admin: opts.admin, interval: opts.interval ?? INTERVAL.default }).finally(leave)));
}

/**
 * A reload asked for from top may still wait for its answer when the user quits: it must not
 * hold the process (the master goes on with it). Unreferenced, the timer fires only when
 * something else keeps the process up, after main has set the exit status.
 */
function leave(): void {
  setTimeout(() => process.exit(), 200).unref();
}
