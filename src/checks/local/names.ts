import { readFileSync } from 'node:fs';
import { parsePasswd } from '../../system/users.js';

// Owners shown by name, as ls -l does, so a fix reads like the command a person would type.

export interface Names {
  user(uid: number): string;
  group(gid: number): string;
}

function parseGroupNames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name && gid !== undefined && /^\d+$/.test(gid) && !names.has(Number(gid))) names.set(Number(gid), name);
  }
  return names;
}

export function systemNames(read: (path: string) => string | undefined = readOrEmpty): Names {
  const users = new Map<number, string>();
  for (const account of parsePasswd(read('/etc/passwd') ?? '')) if (!users.has(account.uid)) users.set(account.uid, account.name);
  const groups = parseGroupNames(read('/etc/group') ?? '');
  return {
    user: (uid) => users.get(uid) ?? String(uid),
    group: (gid) => groups.get(gid) ?? String(gid),
  };
}

function readOrEmpty(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
