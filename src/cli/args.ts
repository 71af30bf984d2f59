import { DemergeError } from '../errors.js';
import { badOptionValue, unknownDemergeOption } from '../messages.js';

// demerge's own options are a small set that emerge does not know; everything else reaches
// emerge byte for byte and in order. `--config` alone is emerge's pkg_config action, so demerge's
// is only ever `--config=FILE`; `-j/--jobs` stay emerge's (parallel packages), so make's -j is
// `--make-jobs=N`. A first `--` ends demerge's options and is not passed on.

export type Mode = 'build' | 'dry-check' | 'help' | 'version';

export interface Args {
  mode: Mode;
  emergeArgs: string[];
  config?: string;
  makeJobs?: number;
  strict: boolean;
  json: boolean;
}

type Handler = (args: Args, value: string | undefined, option: string) => void;

const withValue =
  (apply: (args: Args, value: string, option: string) => void): Handler =>
  (args, value, option) => {
    if (value === undefined || value === '') throw new DemergeError(...unknownDemergeOption(option));
    apply(args, value, option);
  };

const flag =
  (apply: (args: Args) => void): Handler =>
  (args, value, option) => {
    if (value !== undefined) throw new DemergeError(...badOptionValue(option, value, 'no value'));
    apply(args);
  };

const OPTIONS: Record<string, Handler> = {
  '--dry-check': flag((args) => {
    args.mode = 'dry-check';
  }),
  '--json': flag((args) => {
    args.json = true;
  }),
  '--strict': flag((args) => {
    args.strict = true;
  }),
  '--config': withValue((args, value) => {
    args.config = value;
  }),
  '--make-jobs': withValue((args, value, option) => {
    if (!/^[1-9][0-9]{0,3}$/.test(value)) throw new DemergeError(...badOptionValue(option, value, 'a whole number from 1 to 9999'));
    args.makeJobs = Number(value);
  }),
};

export const DEMERGE_OPTIONS = Object.keys(OPTIONS);

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { mode: 'build', emergeArgs: [], strict: false, json: false };
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) return { ...args, mode: 'help' };
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) return { ...args, mode: 'version' };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') {
      args.emergeArgs.push(...argv.slice(i + 1));
      break;
    }
    const equals = word.indexOf('=');
    const name = equals === -1 ? word : word.slice(0, equals);
    const handler = OPTIONS[name];
    // Bare `--config` is emerge's action; only `--config=FILE` is demerge's.
    if (handler === undefined || (name === '--config' && equals === -1)) {
      args.emergeArgs.push(word);
      continue;
    }
    handler(args, equals === -1 ? undefined : word.slice(equals + 1), name);
  }
  return args;
}
