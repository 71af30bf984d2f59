export type { Config, ConfigInputs, NodeConfig } from './types.js';
export { loadConfig } from './load-config.js';
export { parseConfigText, checkProgram } from './parse-config.js';
export { configFromDistccHosts } from './from-distcc-hosts.js';
export { DEFAULT_CONFIG_PATH, DISTCC_HOSTS_PATH, MAX_CONFIG_BYTES, defaultConfig } from './defaults.js';
