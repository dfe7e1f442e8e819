// An unmodified CommonJS application with its own cluster code on cluster.isMaster, which says
// it is ready with cluster.worker.send('ready'): under --wait-ready the workers are ready only
// once each has sent it.
import { test } from 'node:test';
import { checkOwnClusterApp } from '../helpers/own-cluster.js';

test('cluster.isMaster app (CJS), -w 2 --wait-ready, no listener: both workers serve the app\'s own port', () => checkOwnClusterApp('cluster-master-app.cjs', false, ['--wait-ready']));

test('cluster.isMaster app (CJS), -w 2 --wait-ready -l: both workers serve the cluster port', () => checkOwnClusterApp('cluster-master-app.cjs', true, ['--wait-ready']));
