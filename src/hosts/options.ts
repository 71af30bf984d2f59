import * as say from '../messages/hosts.js';
import { findHostNameProblem } from './names.js';
import type { Problem } from './problem.js';
import type { HostOption } from './types.js';

// What distcc 3.4 accepts after a host (hosts.c dcc_parse_options). `down` exists there
// too but is undocumented and only disables the host; demerge leaves it out.
const KNOWN = ['lzo', 'cpp', 'auth'] as const;

export function parseHostOption(text: string): HostOption | Problem {
  if (text === 'lzo' || text === 'cpp' || text === 'auth') return text;
  if (text.startsWith('auth=')) {
    // hosts.c reads the principal's host up to "/: \t\n\r\f,": a host name.
    const name = text.slice('auth='.length);
    const problem = findHostNameProblem(name);
    if (problem) return say.authNameProblem(name, problem);
    return `auth=${name}`;
  }
  if (text === 'down') return say.optionDown();
  return say.optionUnknown(KNOWN);
}

function optionName(option: HostOption): string {
  return option.startsWith('auth') ? 'auth' : option;
}

// Checks the combination: distcc would take duplicates silently, but a repeated option is
// almost always a typo, and cpp without lzo is a protocol distcc refuses (hosts.c:470).
export function findOptionsProblem(options: readonly HostOption[]): Problem | undefined {
  const seen = new Set<string>();
  for (const option of options) {
    const name = optionName(option);
    if (seen.has(name)) return say.optionTwice(name);
    seen.add(name);
  }
  if (seen.has('cpp') && !seen.has('lzo')) return say.cppWithoutLzo();
  return undefined;
}
