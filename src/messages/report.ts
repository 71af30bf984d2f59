// The history of runs and `demerge report`: what a person reads about recorded runs.

export const notRecorded = (path: string, reason: string): string => `this run was not recorded in ${path}: ${reason}`;
export const notRecordedFix = (): string => 'make its directory root-owned and not writable by others (chmod 755), or set DEMERGE_HISTORY=FILE';
