// The one error every missing Node internal gives.
import { CODES, PortplexError } from '../errors.js';

/** The Node lines portplex is tested on (package.json engines says the same). */
export const SUPPORTED_LINES = '20.19+, 22, 24 and 26';

/** PORTPLEX_UNSUPPORTED_NODE naming what `process.version` lacks. */
export function unsupported(internal: string): PortplexError {
  return new PortplexError(CODES.UNSUPPORTED_NODE, `portplex needs Node's ${internal}, which Node ${process.version} does not have; portplex runs on Node ${SUPPORTED_LINES}`);
}
