import { readFileSync } from 'node:fs';

// Node has no getpwnam(3). Gentoo keeps accounts in /etc/passwd (acct-user packages), so the
// files are the truth for the build user that Portage's userpriv switches to.

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export function parsePasswd(text: string): Account[] {
  const accounts: Account[] = [];
  for (const line of text.split('\n')) {
    const [name, , uid, gid, , home, shell] = line.split(':');
    if (!name || uid === undefined || gid === undefined || home === undefined || shell === undefined) continue;
    const uidNumber = Number(uid);
    const gidNumber = Number(gid);
    if (!Number.isInteger(uidNumber) || !Number.isInteger(gidNumber)) continue;
    accounts.push({ name, uid: uidNumber, gid: gidNumber, home, shell });
  }
  return accounts;
}

export function findAccount(name: string, passwdPath = '/etc/passwd'): Account | undefined {
  let text: string;
  try {
    text = readFileSync(passwdPath, 'utf8');
  } catch {
    return undefined;
  }
  return parsePasswd(text).find((account) => account.name === name);
}
