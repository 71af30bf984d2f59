// What `demerge report` is asked (cli/report-args.ts parses it), and which recorded packages an
// atom names.

export interface ReportOptions {
  /** The last N recorded runs (of the package, with `package`); default 10. */
  last: number;
  /** category/name, name, or =category/name-version. */
  package?: string;
  json: boolean;
}

// PMS 3.2: a version, then an optional revision.
const VERSION = /^[0-9]+(\.[0-9]+)*[a-z]?(_(alpha|beta|pre|rc|p)[0-9]*)*(-r[0-9]+)?$/;

/** Whether a recorded package (category/pf) is the one `atom` names. */
export function atomMatches(atom: string, recorded: string): boolean {
  if (atom.startsWith('=')) return recorded === atom.slice(1);
  const target = atom.includes('/') ? recorded : recorded.slice(recorded.indexOf('/') + 1);
  return target.startsWith(`${atom}-`) && VERSION.test(target.slice(atom.length + 1));
}
