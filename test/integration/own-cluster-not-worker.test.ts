// An unmodified application with its own cluster code that asks `!cluster.isWorker` (CommonJS,
// require('node:cluster')).
import { test } from 'node:test';
import { checkOwnClusterApp } from '../helpers/own-cluster.js';

test('!cluster.isWorker app, -w 2, no listener: both workers serve the app\'s own port', () => checkOwnClusterApp('cluster-not-worker-app.cjs', false));

test('!cluster.isWorker app, -w 2 -l: both workers serve the cluster port', () => checkOwnClusterApp('cluster-not-worker-app.cjs', true));
