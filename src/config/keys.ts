// Every key the config validator accepts, per level of the tree. The validator rejects any other
// key with these lists, and the docs test compares docs/configuration.md with them, so the
// documented keys and the accepted ones cannot differ.

/** A daemon group's fields: in `groups.<name>`, and at the top level as every group's defaults. */
export const GROUP_KEYS = Object.freeze(['script', 'args', 'env', 'cwd', 'execArgv', 'workers', 'algorithm', 'weights', 'maxConnections', 'maxMemory', 'maxConnectionsServed',
  'maxRequests', 'maxRequestsJitter', 'maxLifetime', 'maxLifetimeJitter', 'waitReady'] as const);

export const CONFIG_KEYS = Object.freeze({
  /** The top level: the group fields plus everything that is not per group. */
  top: Object.freeze([
    ...GROUP_KEYS, 'listen', 'listeners', 'groups', 'mode', 'queueSize', 'queueTimeout', 'maxPrereading', 'handoffTimeout', 'handoffWindow', 'maxHandoffs',
    'grace', 'shutdownDelay', 'readyTimeout', 'restartDelay', 'restartDelayMax', 'minUptime', 'maxRestarts', 'backlog', 'sweepInterval', 'healthInterval', 'rise', 'fall', 'maxEventLoopDelay', 'unhealthyTimeout',
    'udpTimeout', 'udpMaxFlows', 'udpMaxDatagram', 'udpWorkerQueue', 'ownPorts', 'stickySessions', 'stickyTimeout',
    'logPrefix', 'logFormat', 'logMaxLine',
  ] as const),
  group: GROUP_KEYS,
  /** One entry of `listeners`. */
  listener: Object.freeze(['listen', 'group', 'content', 'mode', 'udpTimeout'] as const),
  /** A listener's `content` step. */
  content: Object.freeze(['protocol', 'proxy', 'maxBytes', 'timeout', 'rules', 'sticky', 'onInvalid'] as const),
  /** One entry of `content.rules`. */
  rule: Object.freeze(['group', 'host', 'path', 'pathRegex', 'header', 'sni', 'alpn'] as const),
  /** `content.sticky`: exactly one of these. */
  sticky: Object.freeze(['cookie', 'header', 'query'] as const),
});
