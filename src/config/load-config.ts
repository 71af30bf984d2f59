import { ConfigError } from '../errors.js';
import * as say from '../messages/config.js';
import { DEFAULT_CONFIG_PATH, defaultConfig, DISTCC_HOSTS_PATH } from './defaults.js';
import { configFromDistccHosts } from './from-distcc-hosts.js';
import { checkProgram, parseConfigText } from './parse-config.js';
import type { Config, ConfigInputs } from './types.js';

// An empty variable (`DEMERGE_CONFIG= demerge ...`) reads as unset, as shells intend it.
function fromEnv(env: ConfigInputs['env'], name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function chooseFile(inputs: ConfigInputs): { path: string; givenBy?: string } {
  if (inputs.flags.config !== undefined) {
    if (inputs.flags.config === '') {
      throw new ConfigError('--config', undefined, ...say.configFlagEmpty());
    }
    return { path: inputs.flags.config, givenBy: '--config' };
  }
  const fromVariable = fromEnv(inputs.env, 'DEMERGE_CONFIG');
  if (fromVariable !== undefined) return { path: fromVariable, givenBy: 'DEMERGE_CONFIG' };
  return { path: DEFAULT_CONFIG_PATH };
}

/**
 * The run's configuration: --config, else $DEMERGE_CONFIG, else /etc/demerge.conf, else
 * distcc's /etc/distcc/hosts, else no nodes. $DEMERGE_EMERGE and $DEMERGE_PORTAGEQ override
 * `emerge` and `portageq`.
 */
export function loadConfig(inputs: ConfigInputs): Config {
  const { path, givenBy } = chooseFile(inputs);
  const text = inputs.readFile(path);
  let config: Config;
  if (text !== undefined) {
    config = parseConfigText(text, path, inputs.cpuCount);
  } else if (givenBy !== undefined) {
    // A file named on purpose must exist: silently running without nodes would hide a typo.
    throw new ConfigError(path, undefined, ...say.configNamedMissing(givenBy));
  } else {
    const hosts = inputs.readFile(DISTCC_HOSTS_PATH);
    config = hosts === undefined ? defaultConfig({ kind: 'none' }, inputs.cpuCount) : configFromDistccHosts(hosts, DISTCC_HOSTS_PATH, inputs.cpuCount);
  }
  const emerge = fromEnv(inputs.env, 'DEMERGE_EMERGE');
  if (emerge !== undefined) {
    checkProgram('emerge', emerge, 'DEMERGE_EMERGE');
    config.emerge = emerge;
  }
  const portageq = fromEnv(inputs.env, 'DEMERGE_PORTAGEQ');
  if (portageq !== undefined) {
    checkProgram('portageq', portageq, 'DEMERGE_PORTAGEQ');
    config.portageq = portageq;
  }
  return config;
}
