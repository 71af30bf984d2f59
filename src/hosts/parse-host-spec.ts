import { HostSpecError } from '../errors.js';
import * as say from '../messages/hosts.js';
import { findCommandProblem, findHostNameProblem, findUserNameProblem } from './names.js';
import { parseLimit, parsePort } from './numbers.js';
import { findOptionsProblem, parseHostOption } from './options.js';
import type { Problem } from './problem.js';
import type { HostOption, HostSpec } from './types.js';

// Stricter than distcc (hosts.c), which ignores trailing garbage ("host/4x"), accepts
// "host:" as port 0 and overrides one limit with another: each of those is almost
// certainly a mistake, and a silent one costs a whole build.

function fail(word: string, what: string | undefined, part: string, problem: Problem): never {
  throw new HostSpecError(word, say.hostSpecProblem(word, what, part, problem.reason), problem.fix);
}

function isProblem<T>(value: T | Problem): value is Problem {
  return typeof value === 'object' && value !== null && 'reason' in value;
}

// Splits `text` at the first of `stops`: [before, rest starting with the stop char or ''].
function cut(text: string, stops: string): [string, string] {
  for (let i = 0; i < text.length; i++) {
    if (stops.includes(text[i] as string)) return [text.slice(0, i), text.slice(i)];
  }
  return [text, ''];
}

function checkHost(word: string, host: string): string {
  const problem = findHostNameProblem(host);
  if (problem) fail(word, 'host', host, problem);
  return host;
}

function limitOf(word: string, text: string): number {
  const limit = parseLimit(text);
  if (isProblem(limit)) fail(word, undefined, text, limit);
  return limit;
}

function optionsOf(word: string, rest: string): HostOption[] {
  if (rest === '') return [];
  if (!rest.startsWith(',')) {
    fail(word, undefined, rest, say.unexpectedAfterHost(rest));
  }
  const options: HostOption[] = [];
  for (const text of rest.slice(1).split(',')) {
    const option = parseHostOption(text);
    if (isProblem(option)) fail(word, 'option', text, option);
    options.push(option);
  }
  const problem = findOptionsProblem(options);
  if (problem) fail(word, undefined, word, problem);
  return options;
}

function parseLocalhost(word: string): HostSpec {
  if (word === 'localhost') return { kind: 'localhost' };
  const text = word.slice('localhost/'.length);
  if (!/^[0-9]*$/.test(text)) {
    fail(word, undefined, text, say.localhostTakesNumber());
  }
  return { kind: 'localhost', limit: limitOf(word, text) };
}

function parseSsh(word: string): HostSpec {
  const at = word.indexOf('@');
  const user = word.slice(0, at);
  if (user !== '') {
    const problem = findUserNameProblem(user);
    if (problem) fail(word, 'user', user, problem);
  }
  let [host, rest] = cut(word.slice(at + 1), '/:,');
  checkHost(word, host);
  const spec: HostSpec = { kind: 'ssh', host, options: [] };
  if (user !== '') spec.user = user;
  if (rest.startsWith('/')) {
    let text: string;
    [text, rest] = cut(rest.slice(1), ':,');
    spec.limit = limitOf(word, text);
  }
  if (rest.startsWith(':')) {
    let command: string;
    [command, rest] = cut(rest.slice(1), ',');
    const problem = findCommandProblem(command);
    if (problem) fail(word, 'command', command, problem);
    spec.command = command;
  }
  spec.options = optionsOf(word, rest);
  return spec;
}

function parseTcp(word: string): HostSpec {
  let [host, rest] = cut(word, '/:,');
  checkHost(word, host);
  if (host === 'localhost') {
    fail(word, undefined, word, say.tcpLocalhost());
  }
  const spec: HostSpec = { kind: 'tcp', host, options: [] };
  // Both orders exist: HOST:PORT/LIMIT and the old HOST/LIMIT:PORT (hosts.c:373-391).
  if (rest.startsWith('/')) {
    let text: string;
    [text, rest] = cut(rest.slice(1), ':,');
    spec.limit = limitOf(word, text);
  }
  if (rest.startsWith(':')) {
    let text: string;
    [text, rest] = cut(rest.slice(1), '/,');
    const port = parsePort(text);
    if (isProblem(port)) fail(word, undefined, text, port);
    spec.port = port;
  }
  if (rest.startsWith('/')) {
    if (spec.limit !== undefined) {
      fail(word, undefined, word, say.limitTwice());
    }
    let text: string;
    [text, rest] = cut(rest.slice(1), ',');
    spec.limit = limitOf(word, text);
  }
  spec.options = optionsOf(word, rest);
  return spec;
}

/** Parses one DISTCC_HOSTS word (not a global option); throws HostSpecError. */
export function parseHostSpec(word: string): HostSpec {
  // distcc takes localhost only as the whole word or before "/" (hosts.c:598).
  if (word === 'localhost' || word.startsWith('localhost/')) return parseLocalhost(word);
  // distcc 3.4 reads [IPv6] in TCP specs only (hosts.c:348); demerge turns every node
  // into an ssh node, where a colon would start the COMMAND, so it refuses them all.
  if (word.slice(word.indexOf('@') + 1).startsWith('[')) {
    fail(word, undefined, word, say.ipv6Literal());
  }
  if (word.includes('@')) return parseSsh(word);
  return parseTcp(word);
}
