import { DemergeError } from '../errors.js';
import { badOptionValue, dashboardTakesNoArguments, expected, unknownDemergeOption } from '../messages.js';
import { parseReportArgs, type ReportArgs } from './report-args.js';
import { parseSetupArgs, SETUP_COMMANDS, type SetupCommandArgs, type TrustCommandArgs } from './setup-args.js';

// demerge's own options are a small set that emerge does not know; everything else reaches
// emerge byte for byte and in order. `--config` alone is emerge's pkg_config action, so demerge's
// is only ever `--config=FILE`; `-j/--jobs` stay emerge's (parallel packages), so make's -j is
// `--make-jobs=N`. A first `--` ends demerge's options and is not passed on.

/** `demerge <emerge arguments>`: the build. */
export interface BuildArgs {
  mode: 'build';
  emergeArgs: string[];
  config?: string;
  makeJobs?: number;
  strict: boolean;
  /** --no-dashboard: plain output and status lines even on a terminal. */
  noDashboard: boolean;
  /** --sample-interval=SECONDS, in milliseconds. */
  sampleIntervalMs?: number;
}

/** `demerge --dry-check [emerge arguments]`: the arguments count as a build's would (--config-root, say). */
export interface DryCheckArgs {
  mode: 'dry-check';
  emergeArgs: string[];
  config?: string;
  makeJobs?: number;
  json: boolean;
}

export interface DashboardArgs {
  mode: 'dashboard';
  /** --dashboard=PID: the demerge process whose build to watch. */
  watchPid?: number;
}

export interface HelpArgs {
  mode: 'help';
}

export interface VersionArgs {
  mode: 'version';
}

export type Args = BuildArgs | DryCheckArgs | DashboardArgs | HelpArgs | VersionArgs | SetupCommandArgs | TrustCommandArgs | ReportArgs;

/** Every option of the build, the dry check and the dashboard, as the words set them. */
interface Flags {
  mode: 'build' | 'dry-check' | 'dashboard';
  emergeArgs: string[];
  config?: string;
  makeJobs?: number;
  strict: boolean;
  json: boolean;
  noDashboard: boolean;
  sampleIntervalMs?: number;
  watchPid?: number;
}

type Handler = (args: Flags, value: string | undefined, option: string) => void;

const withValue =
  (apply: (args: Flags, value: string, option: string) => void): Handler =>
  (args, value, option) => {
    if (value === undefined || value === '') throw new DemergeError(...unknownDemergeOption(option));
    apply(args, value, option);
  };

const flag =
  (apply: (args: Flags) => void): Handler =>
  (args, value, option) => {
    if (value !== undefined) throw new DemergeError(...badOptionValue(option, value, expected.noValue));
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
  // `--dashboard` watches the newest build running under demerge, `--dashboard=PID` that one's.
  '--dashboard': (args, value, option) => {
    if (value !== undefined && !/^[1-9][0-9]{0,9}$/.test(value)) throw new DemergeError(...badOptionValue(option, value, expected.pid));
    args.mode = 'dashboard';
    if (value !== undefined) args.watchPid = Number(value);
  },
  '--no-dashboard': flag((args) => {
    args.noDashboard = true;
  }),
  '--sample-interval': withValue((args, value, option) => {
    const seconds = /^[0-9]{1,2}(\.[0-9]{1,3})?$/.test(value) ? Number(value) : NaN;
    if (!(seconds >= 0.2 && seconds <= 60)) throw new DemergeError(...badOptionValue(option, value, expected.sampleSeconds));
    args.sampleIntervalMs = Math.round(seconds * 1000);
  }),
  '--make-jobs': withValue((args, value, option) => {
    if (!/^[1-9][0-9]{0,3}$/.test(value)) throw new DemergeError(...badOptionValue(option, value, expected.makeJobs));
    args.makeJobs = Number(value);
  }),
};

export function parseArgs(argv: readonly string[]): Args {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) return { mode: 'help' };
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) return { mode: 'version' };
  // `setup`, `trust` and `report` are demerge's sub-commands only as the first word (`demerge -- setup`
  // emerges a package of that name).
  if ((SETUP_COMMANDS as readonly string[]).includes(argv[0] ?? '')) return parseSetupArgs(argv);
  if (argv[0] === 'report') return parseReportArgs(argv);
  const flags: Flags = { mode: 'build', emergeArgs: [], strict: false, json: false, noDashboard: false };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') {
      flags.emergeArgs.push(...argv.slice(i + 1));
      break;
    }
    const equals = word.indexOf('=');
    const name = equals === -1 ? word : word.slice(0, equals);
    const handler = OPTIONS[name];
    // Bare `--config` is emerge's action; only `--config=FILE` is demerge's.
    if (handler === undefined || (name === '--config' && equals === -1)) {
      flags.emergeArgs.push(word);
      continue;
    }
    handler(flags, equals === -1 ? undefined : word.slice(equals + 1), name);
  }
  return argsOf(flags);
}

/** The mode's own arguments; options of the other modes are accepted and have no effect. */
function argsOf(flags: Flags): Args {
  const { emergeArgs, config, makeJobs } = flags;
  switch (flags.mode) {
    case 'dashboard': {
      if (emergeArgs.length > 0) throw new DemergeError(...dashboardTakesNoArguments(emergeArgs[0] as string));
      const args: DashboardArgs = { mode: 'dashboard' };
      if (flags.watchPid !== undefined) args.watchPid = flags.watchPid;
      return args;
    }
    case 'dry-check': {
      const args: DryCheckArgs = { mode: 'dry-check', emergeArgs, json: flags.json };
      if (config !== undefined) args.config = config;
      if (makeJobs !== undefined) args.makeJobs = makeJobs;
      return args;
    }
    case 'build': {
      const args: BuildArgs = { mode: 'build', emergeArgs, strict: flags.strict, noDashboard: flags.noDashboard };
      if (config !== undefined) args.config = config;
      if (makeJobs !== undefined) args.makeJobs = makeJobs;
      if (flags.sampleIntervalMs !== undefined) args.sampleIntervalMs = flags.sampleIntervalMs;
      return args;
    }
  }
}
