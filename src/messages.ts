// Every sentence demerge says to a person lives under src/messages/, one file per concern, so that
// wording stays consistent and reviewable. Error helpers return [message, fix] for DemergeError;
// the rest return finished lines. This file only gathers them, for `import * as msg from
// './messages.js'`; a module may as well import the one file of its concern.

export * from './messages/cli.js';
export * from './messages/front-end.js';
export * from './messages/node-checks.js';
export * from './messages/check-report.js';
export * from './messages/run.js';
export * from './messages/transport.js';
export * from './messages/ssh.js';
export * from './messages/config.js';
export * from './messages/hosts.js';
export * from './messages/setup.js';
export * from './messages/dashboard.js';
export * from './messages/portage.js';
