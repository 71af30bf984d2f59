// distcc's numbers, named once. Line numbers refer to distcc 3.4 (tag v3.4, same as HEAD).

// hosts.c:591 `curr->n_slots = 4;` for every remote host without /LIMIT.
export const DEFAULT_REMOTE_SLOTS = 4;

// hosts.c:417 `hostdef->n_slots = 2;` for a bare `localhost`.
export const DEFAULT_LOCAL_SLOTS = 2;

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
