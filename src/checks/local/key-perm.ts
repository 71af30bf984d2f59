import type { FileFacts, Identity } from './file-facts.js';

// OpenSSH's sshkey_perm_ok (authfile.c): a private key owned by the user running ssh is refused
// ("UNPROTECTED PRIVATE KEY FILE") when group or others have any bit; a key owned by someone
// else is not checked at all. That is why the recipe's root:portage 0640 works and a 0640 key
// owned by portage does not.
export function sshRefusesKeyMode(file: Pick<FileFacts, 'uid' | 'mode'>, reader: Pick<Identity, 'uid'>): boolean {
  return file.uid === reader.uid && (file.mode & 0o077) !== 0;
}

/** Who besides the build user can read the key: 'others', the group, or nobody. */
export function keyReaders(file: Pick<FileFacts, 'uid' | 'gid' | 'mode'>, reader: Pick<Identity, 'uid' | 'gid'>): 'others' | 'group' | undefined {
  if ((file.mode & 0o004) !== 0) return 'others';
  // The group bit opens the key to a group other than the build user's own.
  if ((file.mode & 0o040) !== 0 && file.gid !== reader.gid) return 'group';
  return undefined;
}

export function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
