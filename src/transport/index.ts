export { RunTunnels, type TunnelEvent, type TunnelEvents, type TunnelResult, type TunnelSetup } from './tunnels.js';
export { renderConnector, type ConnectorRoute } from './connector.js';
export { relayWords, type RelayInterpreter } from './job-relay.js';
export {
  renderRemoteCommand,
  parseReadyLine,
  entranceHeader,
  parseOthersLine,
  nodeRunName,
  RUN_REQUEST_PREFIX,
  NODE_PROGRAM_BYTES,
  STATUS_REQUEST,
  NODE_BOOTSTRAP,
  NODE_PROGRAM_NAME,
  type NodeEndpoint,
  type SharedSlots,
} from './remote-command.js';
export { PROBE_REQUEST } from './probe-channel.js';
export { masterArgs } from './master-args.js';
export { suggestLzo, LZO_RTT_THRESHOLD_MS } from './lzo.js';
