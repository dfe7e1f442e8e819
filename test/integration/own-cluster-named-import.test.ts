// An unmodified application with its own cluster code on ESM named imports
// (`import { isPrimary, fork } from 'node:cluster'`): the snapshot its import takes says worker.
import { test } from 'node:test';
import { checkOwnClusterApp } from '../helpers/own-cluster.js';

test('named import of isPrimary, -w 2, no listener: both workers serve the app\'s own port', () => checkOwnClusterApp('cluster-named-import-app.js', false));

test('named import of isPrimary, -w 2 -l: both workers serve the cluster port', () => checkOwnClusterApp('cluster-named-import-app.js', true));
