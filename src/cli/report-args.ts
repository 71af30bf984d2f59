import { DemergeError } from '../errors.js';
import * as say from '../messages/report.js';
import { badOptionValue, expected } from '../messages.js';
import type { ReportOptions } from '../report/options.js';

// `demerge report [--last=N] [--package=ATOM] [--json]`: selected by the FIRST argument only, like
// setup and trust, so `demerge -- report` still emerges a package called report. Nothing here
// reaches emerge: unknown words are errors.

export interface ReportArgs extends ReportOptions {
  mode: 'report';
}

export const DEFAULT_LAST = 10;
const MAX_LAST = 100_000;
const NAME = '[A-Za-z0-9_][A-Za-z0-9+_.-]*';
const ATOM = new RegExp(`^(=${NAME}/${NAME}|(${NAME}/)?${NAME})$`);

export function parseReportArgs(argv: readonly string[]): ReportArgs | { mode: 'help' } {
  const args: ReportArgs = { mode: 'report', last: DEFAULT_LAST, json: false };
  const rest = argv.slice(1);
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] as string;
    if (word === '--help' || word === '-h') return { mode: 'help' };
    const equals = word.indexOf('=');
    const name = equals === -1 ? word : word.slice(0, equals);
    if (name === '--json') {
      if (equals !== -1) throw new DemergeError(...badOptionValue(name, word.slice(equals + 1), expected.noValue));
      args.json = true;
      continue;
    }
    if (name !== '--last' && name !== '--package') throw new DemergeError(...say.unknownReportOption(word));
    // `--last 5` as well as `--last=5`.
    const value = equals === -1 ? rest[++i] : word.slice(equals + 1);
    if (value === undefined || value === '') throw new DemergeError(...say.reportOptionNeedsValue(name));
    if (name === '--last') {
      if (!/^[1-9][0-9]{0,5}$/.test(value) || Number(value) > MAX_LAST) throw new DemergeError(...say.badLast(value));
      args.last = Number(value);
    } else {
      if (!ATOM.test(value)) throw new DemergeError(...say.badAtom(value));
      args.package = value;
    }
  }
  return args;
}
