// One admin request whose result is checked against the shape the command reads.
import { shapeProblem, type Shape } from './answer-shape.js';
import { adminRequest, badAnswer } from './client.js';
import type { AdminRequest } from './protocol.js';

/** Sends `request`; the result must have `shape` (PORTPLEX_BAD_ANSWER otherwise). */
export async function ask(path: string, request: AdminRequest, shape: Shape, timeoutMs?: number): Promise<unknown> {
  const result = await adminRequest(path, request, timeoutMs);
  const problem = shapeProblem(result, shape);
  if (problem !== undefined) throw badAnswer(path, `${request.cmd}: ${problem}`);
  return result;
}
