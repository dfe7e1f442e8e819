// The examples of docs/coming-from-pm2.md run as written: a PM2 ecosystem file served by the CLI,
// and the admin commands that replace pm2's (how: test/helpers/doc-examples.ts).
import { exampleTests } from '../helpers/doc-examples.js';

exampleTests('pm2');
