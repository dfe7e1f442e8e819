// A TypeScript script and the Node that is to run it. Node strips types by default from 22.18
// (and 23.6, 24, ...); 22.6 to 22.17 do with --experimental-strip-types; Node 20 never does. A
// worker of app.ts on a Node that cannot run it dies at start with ERR_UNKNOWN_FILE_EXTENSION,
// restarted until the crash loop stops portplex: this says why before any worker is forked.

/** Scripts Node's type stripping runs: .ts, .mts, .cts (never .tsx, whose JSX it cannot strip). */
const STRIPPED = /\.[cm]?ts$/i;

/**
 * Options that let a worker run TypeScript some other way: a loader or hook (`--import tsx`,
 * `-r ts-node/register`, `--loader`) or Node's own stripping asked for. portplex cannot tell what
 * a hook does, so with one of them the script is left for the worker to run.
 */
const RUNS_TYPESCRIPT = /^(--import|--require|-r|--loader|--experimental-loader|--experimental-strip-types|--experimental-transform-types)(=|$)/;

/** What this Node can do with TypeScript, as the worker processes will see it. */
export interface TypeScriptSupport {
  /** process.features.typescript: "strip" or "transform" when on, false when off, undefined before 22.10. */
  features: string | false | undefined;
  /** process.version */
  version: string;
}

const HERE: TypeScriptSupport = {
  features: (process.features as { typescript?: string | false }).typescript,
  version: process.version,
};

/**
 * Why `script` cannot run in a worker started with `execArgv` (NODE_OPTIONS `nodeOptions`), or
 * undefined when it can (or when portplex cannot tell). The workers run the master's node, with
 * its NODE_OPTIONS, so what it can do is what they can.
 */
export function typeScriptProblem(script: string, execArgv: readonly string[], nodeOptions: string | undefined, node: TypeScriptSupport = HERE): string | undefined {
  const tsx = /\.tsx$/i.test(script);
  if (!tsx && !STRIPPED.test(script)) return undefined;
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  if (given.some((a) => RUNS_TYPESCRIPT.test(a))) return undefined;
  if (tsx) return `${script} is TSX, which Node does not run by itself: give the workers a loader, e.g. --node-args "--import tsx" (npm install tsx)`;
  if (node.features) return undefined;
  const major = Number(/^v(\d+)/.exec(node.version)?.[1]);
  // 22.6 to 22.17 (and 23.0 to 23.5) strip types when asked to; 20 cannot at all.
  const asked = major >= 22 ? ', or --node-args "--experimental-strip-types"' : '';
  return `${script} is TypeScript, and Node ${node.version} does not strip types by default: run portplex on Node 22.18 or later (23.6+, 24+)${asked}, or give the workers a loader: --node-args "--import tsx" (npm install tsx)`;
}
