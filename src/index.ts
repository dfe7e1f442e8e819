// portplex's public API, master side. The worker side is 'portplex/worker'.
export { createMaster, Master, type EventView, type ListenerInfo, type WorkerInfo } from './master/master.js';
export { EVENT_KINDS, type EventKind, type EventSubject, type LifecycleEvent } from './event-kinds.js';
export { validateConfig } from './config/validate.js';
export { DEFAULTS } from './config/defaults.js';
export type { Config, GroupConfig, GroupInput, ListenerConfig, ListenerInput, UserConfig } from './config/types.js';
export { ALGORITHMS, createBalancer } from './balancers/index.js';
export { isEligible, type Balancer, type Candidate, type ClientInfo, type PickFunction } from './balancers/balancer.js';
export { ConnectionTable } from './table/connection-table.js';
export type { ConnectionRecord, Protocol, RecordFilter } from './table/types.js';
export { CODES, ConfigError, ConfigErrors, EXIT, PortplexError } from './errors.js';
export { channels } from './diagnostics.js';
export type { DropReason, MasterStats, RetryReason } from './master/stats.js';
export type { ReloadResult } from './supervisor/supervisor.js';
export { createMasterMetrics, type MasterMetrics } from './metrics/master-metrics.js';
export { startMetricsServer, type MetricsServer } from './metrics/http-endpoint.js';
