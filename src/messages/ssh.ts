// The ssh layer's details: why a connection, a login, a host key or a command on a node failed (the
// detail of an SshFailure, a relay's error), as the checks, demerge trust and the run quote them.

/** parsePrivateKey's reason when the file holds no private key (the key checks test for it). */
export const sshNotAPrivateKey = (): string => 'not a private key';

export const hostKeyRevoked = (): string => 'the host key is marked @revoked in known_hosts';

export const sshNoKnownHostsEntry = (): string => 'no known_hosts entry for this node';

export const sshHostKeyDiffers = (): string => 'the host key differs from known_hosts';

export const sshNoAnswer = (seconds: number): string => `no answer within ${seconds} s`;

export const sshNoAnswerMs = (ms: number): string => `no answer within ${ms} ms`;

export const sshNoChannelMs = (ms: number): string => `no channel within ${ms} ms`;

export const sshClosedDuringLogin = (): string => 'the connection closed during login';

export const sshClosedBeforeHostKey = (): string => 'the connection closed before the node showed its host key';

export const sshConnectionRefused = (): string => 'connection refused (is sshd running on the node?)';

export const sshUnresolved = (): string => 'the host name does not resolve';

export const sshNoRoute = (code: string): string => `no route to the node (${code})`;

export const sshClosedByNode = (code: string): string => `the node closed the connection (${code})`;

export const sshKeyRefused = (): string => 'the node refused the key (authorized_keys, account locked or shell)';

export const sshForwardingRefused = (target: string, detail: string): string => `forwarding to the node's service at ${target} refused: ${detail}`;

export const sshScriptEndedEarly = (): string => "the node-side session ended before the node's service was ready";

export const sshAgentNotBuildKey = (): string => 'demerge signs with the build key only';
