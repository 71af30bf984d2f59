// distcc's numbers, named once. Line numbers refer to distcc 3.4 (tag v3.4, same as HEAD).

// hosts.c:591 `curr->n_slots = 4;` for every remote host without /LIMIT.
export const DEFAULT_REMOTE_SLOTS = 4;

// hosts.c:417 `hostdef->n_slots = 2;` for a bare `localhost`.
export const DEFAULT_LOCAL_SLOTS = 2;

// lock.c:92-99 `_dcc_local` has 4 slots (`--localslots=N` in the host list changes it; demerge's
// DISTCC_HOSTS never sets it). compile.c:977-982 takes one of them for every job that runs here
// without picking `localhost/N` from the list: jobs distcc will not distribute (links, -E,
// -march=native) and fallbacks. Both share the lock files `cpu_localhost_<i>` (lock.c:151), so
// at most max(N, 4) local compiles run at once, even with no `localhost` in DISTCC_HOSTS.
export const LOCAL_ONLY_SLOTS = 4;

// hosts.c:221 rejects 0; there is no explicit maximum, but where.c:176 only tries slots
// `i_cpu < 10000`, so a larger limit is never used: cap it there instead of silently.
export const MIN_SLOTS = 1;
export const MAX_SLOTS = 10_000;

export const MIN_PORT = 1;
export const MAX_PORT = 65_535;

// RFC 1035 limit on a full domain name in text form.
export const MAX_HOST_NAME_LENGTH = 253;

// useradd's default limit; also what the POSIX-portable user name rule allows in practice.
export const MAX_USER_NAME_LENGTH = 32;

// Linux PATH_MAX: a longer remote command cannot name a real file.
export const MAX_COMMAND_LENGTH = 4096;
