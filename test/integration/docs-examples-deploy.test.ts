// The examples of docs/deploy.md run as written (how: test/helpers/doc-examples.ts); its
// Kubernetes manifest is checked against the CLI by docs-deploy-manifest.test.ts.
import { exampleTests } from '../helpers/doc-examples.js';

exampleTests('deploy');
