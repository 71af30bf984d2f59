/** One POSIX sh word, whatever the input: the wrapper must never let a path reach the shell. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** ssh expands %-tokens in IdentityFile, UserKnownHostsFile and friends; a literal % is %%. */
export function sshPercentEscape(value: string): string {
  return value.replace(/%/g, '%%');
}
