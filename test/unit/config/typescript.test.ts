// Which Node can run a TypeScript worker script, with which options; the verdict is pinned per
// Node line with a fake `process.features`, so every line runs every case.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { typeScriptProblem, type TypeScriptSupport } from '../../../src/config/typescript.js';

const NODE20: TypeScriptSupport = { features: undefined, version: 'v20.20.2' };
const NODE22_9: TypeScriptSupport = { features: undefined, version: 'v22.9.0' };
const NODE22_12: TypeScriptSupport = { features: false, version: 'v22.12.0' };
const NODE22_23: TypeScriptSupport = { features: 'strip', version: 'v22.23.5' };
const NODE26: TypeScriptSupport = { features: 'strip', version: 'v26.12.1' };

const cases: Array<{ script: string; node: TypeScriptSupport; execArgv?: string[]; nodeOptions?: string; problem: RegExp | undefined }> = [
  { script: '/a/app.js', node: NODE20, problem: undefined },
  { script: '/a/app.ts', node: NODE20, problem: /^\/a\/app\.ts is TypeScript, and Node v20\.20\.2 does not strip types by default: run portplex on Node 22\.18 or later \(23\.6\+, 24\+\), or give the workers a loader: --node-args "--import tsx" \(npm install tsx\)$/ },
  { script: '/a/app.mts', node: NODE20, problem: /is TypeScript/ },
  { script: '/a/app.CTS', node: NODE20, problem: /is TypeScript/ },
  { script: '/a/app.ts', node: NODE22_9, problem: /Node v22\.9\.0 does not strip types by default: .*, or --node-args "--experimental-strip-types", or give the workers a loader/ },
  { script: '/a/app.ts', node: NODE22_12, problem: /--experimental-strip-types/ },
  { script: '/a/app.ts', node: NODE22_23, problem: undefined },
  { script: '/a/app.ts', node: NODE26, problem: undefined },
  { script: '/a/app.ts', node: NODE20, execArgv: ['--import', 'tsx'], problem: undefined },
  { script: '/a/app.ts', node: NODE20, execArgv: ['--import=tsx'], problem: undefined },
  { script: '/a/app.ts', node: NODE20, execArgv: ['-r', 'ts-node/register'], problem: undefined },
  { script: '/a/app.ts', node: NODE20, execArgv: ['--loader', 'ts-node/esm'], problem: undefined },
  { script: '/a/app.ts', node: NODE22_12, execArgv: ['--experimental-strip-types'], problem: undefined },
  { script: '/a/app.ts', node: NODE20, nodeOptions: '--max-old-space-size=512 --import tsx', problem: undefined },
  { script: '/a/app.ts', node: NODE20, execArgv: ['--enable-source-maps'], nodeOptions: '--max-old-space-size=512', problem: /is TypeScript/ },
  { script: '/a/app.tsx', node: NODE26, problem: /^\/a\/app\.tsx is TSX, which Node does not run by itself: give the workers a loader, e.g\. --node-args "--import tsx"/ },
  { script: '/a/app.tsx', node: NODE26, execArgv: ['--import', 'tsx'], problem: undefined },
];

for (const c of cases) {
  test(`${c.script} on ${c.node.version} with ${JSON.stringify(c.execArgv ?? [])} ${c.nodeOptions ?? ''}: ${c.problem === undefined ? 'runs' : 'refused'}`, () => {
    const problem = typeScriptProblem(c.script, c.execArgv ?? [], c.nodeOptions, c.node);
    if (c.problem === undefined) assert.equal(problem, undefined);
    else assert.match(problem ?? '', c.problem);
  });
}
