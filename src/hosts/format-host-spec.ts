import { HostSpecError } from '../errors.js';
import * as say from '../messages/hosts.js';
import { findCommandProblem, findHostNameProblem, findUserNameProblem } from './names.js';
import { isInRange } from './numbers.js';
import { MAX_PORT, MAX_SLOTS, MIN_PORT, MIN_SLOTS } from './limits.js';
import { findOptionsProblem, parseHostOption } from './options.js';
import type { Problem } from './problem.js';
import type { GlobalOption, HostList, HostOption, HostSpec } from './types.js';

// The output becomes DISTCC_HOSTS and, through distcc, ssh arguments: a spec built in
// code gets the same checks as one parsed from a file before it is written out.

function check(spec: string, what: string, value: string, problem: Problem | undefined): void {
  if (problem) throw new HostSpecError(spec, say.culprit(what, value, problem.reason), problem.fix);
}

function checkNumber(spec: string, what: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && !isInRange(value, min, max)) {
    throw new HostSpecError(spec, ...say.numberOutside(what, value, min, max));
  }
}

function checkOptions(spec: string, options: readonly HostOption[]): void {
  for (const option of options) {
    const parsed = parseHostOption(option);
    if (typeof parsed !== 'string') check(spec, 'option', option, parsed);
  }
  check(spec, 'options', options.join(','), findOptionsProblem(options));
}

function withOptions(text: string, options: readonly HostOption[]): string {
  return options.length === 0 ? text : `${text},${options.join(',')}`;
}

export function formatHostSpec(spec: HostSpec): string {
  switch (spec.kind) {
    case 'localhost':
      checkNumber('localhost', 'limit', spec.limit, MIN_SLOTS, MAX_SLOTS);
      return spec.limit === undefined ? 'localhost' : `localhost/${spec.limit}`;
    case 'ssh': {
      const label = `${spec.user ?? ''}@${spec.host}`;
      if (spec.user !== undefined) check(label, 'user', spec.user, findUserNameProblem(spec.user));
      check(label, 'host', spec.host, findHostNameProblem(spec.host));
      checkNumber(label, 'limit', spec.limit, MIN_SLOTS, MAX_SLOTS);
      if (spec.command !== undefined) check(label, 'command', spec.command, findCommandProblem(spec.command));
      checkOptions(label, spec.options);
      let text = label;
      if (spec.limit !== undefined) text += `/${spec.limit}`;
      if (spec.command !== undefined) text += `:${spec.command}`;
      return withOptions(text, spec.options);
    }
    case 'tcp': {
      check(spec.host, 'host', spec.host, findHostNameProblem(spec.host));
      if (spec.host === 'localhost') {
        throw new HostSpecError(spec.host, ...say.tcpHostLocalhost());
      }
      checkNumber(spec.host, 'port', spec.port, MIN_PORT, MAX_PORT);
      checkNumber(spec.host, 'limit', spec.limit, MIN_SLOTS, MAX_SLOTS);
      checkOptions(spec.host, spec.options);
      let text = spec.host;
      if (spec.port !== undefined) text += `:${spec.port}`;
      if (spec.limit !== undefined) text += `/${spec.limit}`;
      return withOptions(text, spec.options);
    }
  }
}

function formatGlobal(option: GlobalOption): string {
  if (option.kind === 'randomize') return '--randomize';
  checkNumber(`--${option.kind}`, option.kind, option.value, MIN_SLOTS, MAX_SLOTS);
  return `--${option.kind}=${option.value}`;
}

function isGlobal(entry: HostSpec | GlobalOption): entry is GlobalOption {
  return entry.kind === 'randomize' || entry.kind === 'localslots' || entry.kind === 'localslots_cpp';
}

/** The DISTCC_HOSTS value for `list`: one space between entries. */
export function formatHostList(list: HostList): string {
  return list.entries.map((entry) => (isGlobal(entry) ? formatGlobal(entry) : formatHostSpec(entry))).join(' ');
}
