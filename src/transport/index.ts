export { RunTunnels, type TunnelEvent, type TunnelEvents, type TunnelResult, type TunnelSetup } from './tunnels.js';
export { renderConnector, type ConnectorRoute } from './connector.js';
export { renderRemoteCommand, parseReadyLine, TUNNEL_SCRIPT, TUNNEL_SCRIPT_NAME } from './remote-command.js';
export { masterArgs } from './master-args.js';
export { candidatePorts, PORT_RANGE } from './ports.js';
export { suggestLzo, LZO_RTT_THRESHOLD_MS } from './lzo.js';
