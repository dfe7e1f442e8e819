// Loaded with --import before the application: turns listen() on cluster ports into master hand-over.
import { installRuntime } from './runtime.js';

installRuntime();
