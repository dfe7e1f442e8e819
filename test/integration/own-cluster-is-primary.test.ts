// An unmodified application with its own cluster code, `if (cluster.isPrimary) fork() per core
// else listen()` (ESM default import): each portplex worker takes the worker branch and serves.
import { test } from 'node:test';
import { checkOwnClusterApp } from '../helpers/own-cluster.js';

test('cluster.isPrimary app, -w 2, no listener: the app\'s own port is served by both workers', () => checkOwnClusterApp('cluster-primary-app.js', false));

test('cluster.isPrimary app, -w 2 -l: the cluster port is served by both workers', () => checkOwnClusterApp('cluster-primary-app.js', true));
