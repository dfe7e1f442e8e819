// The examples of docs/balancing.md and docs/content-routing.md run as written: their shell lines against real masters, their config files
// loaded by the CLI, their scripts forked as workers (how: test/helpers/doc-examples.ts).
import { exampleTests } from '../helpers/doc-examples.js';

exampleTests('routing');
