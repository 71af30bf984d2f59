import { chmodSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import * as msg from '../messages.js';
import { SshFailure } from '../ssh/connect.js';
import type { HostKeyTarget } from '../ssh/fetch-host-key.js';
import { writeFileAtomic } from './atomic-file.js';
import { prepareDirFor, type BuildUser } from './build-user-dirs.js';
import { fingerprint, fingerprintLine, keyInfo } from '../ssh/key-blob.js';
import { trustedKeyTypes, trustState, withTrustedKey, type TrustState } from './known-hosts-edit.js';
import type { Prompter } from './prompter.js';
import { report, type StepReport } from './report.js';

// `demerge trust HOST...`: show each node's host key as ssh-keygen does, get a person's yes (a
// terminal answer or a pinned --fingerprint), and only then write the build's known_hosts.
// All or nothing: when any host fails, known_hosts is left exactly as it was.

export interface TrustTarget extends HostKeyTarget {
  name: string;
}

export type FetchHostKey = (target: HostKeyTarget, timeoutMs: number, prefer: readonly string[]) => Promise<Buffer>;

export interface HostKeyCheck {
  target: TrustTarget;
  blob: Buffer;
  type: string;
  /** `256 SHA256:... host (ED25519)` */
  line: string;
  state: TrustState;
}

export type Checked = { ok: true; check: HostKeyCheck } | { ok: false; target: TrustTarget; error: string };

export async function checkHostKey(target: TrustTarget, knownHosts: string, timeoutMs: number, fetch: FetchHostKey): Promise<Checked> {
  let blob: Buffer;
  try {
    blob = await fetch(target, timeoutMs, trustedKeyTypes(knownHosts, target.host, target.port));
  } catch (error) {
    const detail = error instanceof SshFailure ? error.detail : (error as Error).message;
    return { ok: false, target, error: msg.hostKeyUnavailable(detail) };
  }
  const info = keyInfo(blob);
  if (info === undefined) return { ok: false, target, error: msg.hostKeyUnknownType() };
  return {
    ok: true,
    check: { target, blob, type: info.type, line: fingerprintLine(blob, target.name), state: trustState(knownHosts, target.host, target.port, blob) },
  };
}

export interface Decision {
  accept: boolean;
  replace: boolean;
  error?: string;
}

/** Whether a person has said yes to this key, by a pin, a flag or an answer at the terminal. */
export async function decide(check: HostKeyCheck, pins: readonly string[], replaceFlag: boolean, prompter: Prompter): Promise<Decision> {
  const pinned = pins.length > 0;
  if (pinned && !pins.includes(fingerprint(check.blob))) {
    return { accept: false, replace: false, error: msg.fingerprintMismatch(fingerprint(check.blob), pins) };
  }
  const { state, target } = check;
  switch (state.kind) {
    case 'trusted':
      return { accept: false, replace: false };
    case 'revoked':
      return { accept: false, replace: false, error: msg.hostKeyRevoked() };
    case 'conflict':
      return { accept: false, replace: false, error: msg.knownHostsWildcard(state.line) };
    case 'new':
      if (pinned) return { accept: true, replace: false };
      if (!prompter.interactive) return { accept: false, replace: false, error: msg.trustNeedsTerminal(target.name) };
      if (await prompter.confirm(msg.trustQuestion(target.name))) return { accept: true, replace: false };
      return { accept: false, replace: false, error: msg.trustDeclined() };
    case 'changed':
      if (pinned && replaceFlag) return { accept: true, replace: true };
      if (!prompter.interactive) return { accept: false, replace: false, error: msg.replaceNeedsConfirmation(target.name, state.lines) };
      if (await prompter.confirm(msg.replaceQuestion(target.name, state.lines))) return { accept: true, replace: true };
      return { accept: false, replace: false, error: msg.trustDeclined() };
  }
}

export interface TrustOutcome {
  reports: StepReport[];
  /** The new known_hosts text; equal to the old one when nothing is to change. */
  text: string;
  ok: boolean;
}

/** Applies each host's decision to the text, one after the other; nothing is written here. */
export async function trustAll(
  targets: readonly TrustTarget[],
  original: string,
  options: { pins: readonly string[]; replace: boolean; timeoutMs: number },
  deps: { fetch: FetchHostKey; prompter: Prompter; print(line: string): void },
): Promise<TrustOutcome> {
  const checked = await Promise.all(targets.map((target) => checkHostKey(target, original, options.timeoutMs, deps.fetch)));
  let text = original;
  const reports: StepReport[] = [];
  for (const result of checked) {
    if (!result.ok) {
      reports.push({ ...report(result.target.name), error: result.error });
      continue;
    }
    reports.push(await settle(result.check));
  }
  return { reports, text, ok: reports.every((entry) => entry.error === undefined) };

  async function settle(check: HostKeyCheck): Promise<StepReport> {
    const entry = report(check.target.name);
    deps.print(check.line);
    // Decide against the text as it now is: two names for one node must not add it twice.
    const current = { ...check, state: trustState(text, check.target.host, check.target.port, check.blob) };
    const decision = await decide(current, options.pins, options.replace, deps.prompter);
    if (decision.error !== undefined) return { ...entry, error: decision.error };
    if (decision.accept) {
      text = withTrustedKey(text, check.target.host, check.target.port, check.type, check.blob, decision.replace);
      entry.changes.push(decision.replace ? msg.hostKeyReplaced(fingerprint(check.blob)) : msg.hostKeyAdded(fingerprint(check.blob)));
    }
    return entry;
  }
}

function readableBy(path: string, user: BuildUser): boolean {
  const info = statSync(path);
  if (user.uid === 0) return true;
  if (info.uid === user.uid) return (info.mode & 0o400) !== 0;
  if (info.gid === user.gid) return (info.mode & 0o040) !== 0;
  return (info.mode & 0o004) !== 0;
}

/**
 * Writes known_hosts when its text changed, and makes sure the build user can read it. A new
 * file is the invoking user's, 0644 (it holds no secret; only root may change it); an existing
 * one keeps its owner and mode, plus read access for the build user.
 */
export function writeKnownHosts(path: string, text: string, original: string | undefined, user: BuildUser, self: { uid: number; gid: number }): string[] {
  const changes = prepareDirFor(dirname(path), user, 'known_hosts').map((dir) => msg.createdDir(dir));
  if (original === undefined) {
    writeFileAtomic(path, { content: text, uid: self.uid, gid: self.gid, mode: 0o644 });
    changes.push(msg.createdFile(path));
    return changes;
  }
  const info = statSync(path);
  const before = info.mode & 0o7777;
  const readBit = info.uid === user.uid ? 0o400 : info.gid === user.gid ? 0o040 : 0o004;
  const mode = readableBy(path, user) ? before : before | readBit;
  if (text !== original) writeFileAtomic(path, { content: text, uid: info.uid, gid: info.gid, mode });
  else if (mode !== before) chmodSync(path, mode);
  if (mode !== before) changes.push(msg.madeReadable(path, user.name));
  return changes;
}
