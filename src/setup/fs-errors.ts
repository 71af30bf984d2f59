import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';

// Setup writes where only root may (the key for portage, known_hosts, /etc): a refusal by the
// file system is the user's to fix, told in one line, not an internal error.

const USER_FIXABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

export async function explainFsErrors<T>(fallbackPath: string, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const { code, path } = error as NodeJS.ErrnoException;
    if (code !== undefined && USER_FIXABLE.has(code)) throw new DemergeError(...msg.setupCannotWrite(path ?? fallbackPath, code));
    throw error;
  }
}
