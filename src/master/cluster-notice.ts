// The master's one line about an application with its own Node cluster code: its workers take
// the worker branch (internals/cluster-role.ts), and the user should know that its primary
// branch does not run under portplex. Said once per group, whichever process reports it first.
import { isAbsolute, relative, sep } from 'node:path';
import type { GroupConfig } from '../config/types.js';

export class ClusterNotice {
  private readonly told = new Set<string>();

  constructor(private readonly groups: readonly GroupConfig[]) {}

  /** The line for group `group`'s first report (the reading file, when the worker knew it); undefined after that. */
  line(group: string, file: string | undefined): string | undefined {
    if (this.told.has(group)) return undefined;
    this.told.add(group);
    const g = this.groups.find((x) => x.name === group);
    const path = file ?? g?.script ?? 'the application';
    const shown = g !== undefined && isAbsolute(path) ? underCwd(path, g.cwd) : path;
    const who = this.groups.length > 1 ? `${shown} (group ${group})` : shown;
    return `${who} uses Node's cluster module: in portplex's workers it takes its worker branch (cluster.isPrimary is false, cluster.isWorker is true); portplex forks the workers and balances their connections`;
  }
}

/** `path` relative to `cwd` when it is below it, else as it is. */
function underCwd(path: string, cwd: string): string {
  const r = relative(cwd, path);
  return r !== '' && !r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r) ? r : path;
}
