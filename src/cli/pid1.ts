// What a container's process tree costs the master, said once at start. As PID 1, the master
// inherits every orphaned process (an application's child whose worker exited) and nobody reaps
// them: libuv waits for the children it spawned by their pids, and Node has no waitpid(-1) nor a
// way to hand orphans to another reaper (that takes prctl(PR_SET_CHILD_SUBREAPER), a native
// call). Under npm as PID 1 (`CMD ["npx", "portplex", ...]`, `npm start`), a stop signal goes to
// npm, which passes it to the shell it started portplex in: the shell dies, npm exits, and the
// kernel kills the master and its workers with the rest of the namespace, nothing drained.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const INIT_ADVICE = '`docker run --init`, tini or dumb-init as the ENTRYPOINT, or in Kubernetes an init in the image or shareProcessNamespace: true';

/** The warning for this process tree, or undefined when it needs none. `root` is where /proc is looked for (tests). */
export function pid1Warning(pid: number = process.pid, root = '/'): string | undefined {
  if (pid === 1) {
    return `running as PID 1: processes orphaned by a worker's exit stay zombies (Node reaps only its own children); run portplex under an init: ${INIT_ADVICE}`;
  }
  const init = initCommand(root);
  if (init !== undefined && isNpm(init)) {
    const shown = init.length > 60 ? `${init.slice(0, 57)}...` : init;
    return `PID 1 is npm (${shown}): a stop signal reaches the shell npm started portplex in, not portplex, so the workers are killed without draining; run portplex itself, CMD ["node_modules/.bin/portplex", ...], under an init: ${INIT_ADVICE}`;
  }
  return undefined;
}

/** PID 1's command line, words joined by spaces (npm rewrites its own into one string, "npm exec portplex ..."). */
function initCommand(root: string): string | undefined {
  try {
    const words = readFileSync(join(root, 'proc/1/cmdline'), 'latin1').split(/[\0\s]+/).filter((w) => w !== '');
    return words.length > 0 ? words.join(' ') : undefined;
  } catch {
    return undefined;
  }
}

const NPM = new Set(['npm', 'npx', 'npm-cli.js', 'npx-cli.js']);

/** "npm start", "npm exec portplex ...", or, before npm renames itself, "node /usr/local/bin/npx portplex". */
function isNpm(command: string): boolean {
  const [first = '', second = ''] = command.split(' ').map((w) => basename(w));
  return NPM.has(first) || (/^node(js)?(\d+)?$/.test(first) && NPM.has(second));
}
