export type { GlobalOption, HostList, HostOption, HostSpec } from './types.js';
export type { Problem } from './problem.js';
export * from './limits.js';
export { parseHostSpec } from './parse-host-spec.js';
export { parseHostList } from './parse-host-list.js';
export { formatHostList, formatHostSpec } from './format-host-spec.js';
export { parseHostOption, findOptionsProblem } from './options.js';
export { findCommandProblem, findHostNameProblem, findUserNameProblem, validateCommand, validateHostName, validateUserName } from './names.js';
