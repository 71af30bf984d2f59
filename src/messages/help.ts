// `demerge --help`, kept in step with man/demerge.1.

export function renderHelp(version: string): string {
  return `demerge ${version}: emerge with distcc over SSH, for this run only

Usage:
  demerge [demerge options] <emerge arguments>
  demerge --dry-check [--json] [--config=FILE]
  demerge --dashboard[=PID]
  demerge setup [key | node HOST...] [setup options]
  demerge trust [HOST...] [--fingerprint SHA256:...]... [--replace]
  demerge report [--last=N] [--package=ATOM] [--json]

Every argument that is not a demerge option reaches emerge unchanged and in
order; "--" ends demerge's options. demerge checks the compile nodes, builds
DISTCC_HOSTS, DISTCC_SSH, DISTCC_DIR, MAKEOPTS and FEATURES for this run
only, runs emerge, and exits with emerge's status. Nothing is written to
/etc or /etc/portage.

It asks Portage (portageq envvar) for emerge.log's place, the configuration
root, EPREFIX, CHOST and the flags. -march=native and -mtune=native, which
keep every distcc job local, are made explicit for the run in each file that
sets them (make.conf, package.env's env files), so every package keeps its
own flags; emerge reads those copies in a mount namespace of its own.

demerge options:
  --config=FILE     configuration file (default /etc/demerge.conf, or
                    $DEMERGE_CONFIG; without one, nodes come from
                    /etc/distcc/hosts). "--config" alone is emerge's action.
  --make-jobs=N     MAKEOPTS -jN instead of 2 x (node slots + local slots) + 1
                    (-j/--jobs stay emerge's own option)
  --strict          fail instead of building locally when no node answers or
                    a check of this machine (the key, say) fails
  --dry-check       check the key, known_hosts, distcc and every node (login,
                    distccd, compiler, a trial compile), build nothing; each
                    warning or failure comes with its fix; nodes 5 ms or more
                    away get a note suggesting distcc's lzo option; every
                    Portage flag that keeps jobs local (portage.flags), with
                    its file and line
  --json            with --dry-check: one JSON document (schema in the
                    source: schema/dry-check.schema.json)
  --no-dashboard    no dashboard even on a terminal: emerge keeps the terminal
                    as without demerge, and a status line comes every 5 s
  --sample-interval=S  sample the nodes every S seconds (0.2 to 60; default 1)
  --dashboard[=PID] watch a build already running under demerge (the newest,
                    or that of demerge process PID) from another terminal,
                    read-only; q quits
  -h, --help        this help (alone)
  -V, --version     demerge's version (alone)

Setting up (the Gentoo wiki's "distcc over SSH" recipe; every step can be
run again and says "already fine" when there is nothing to do):
  demerge setup key             create the build key (ed25519, no passphrase,
                                portage:portage 0600); --force replaces it; a
                                DSA key is replaced and kept as <key>.dsa-old
     --passphrase               encrypt the new key with a passphrase asked
                                twice at the terminal, for root's ssh-agent:
                                eval "$(keychain --eval --agents ssh KEY)" in
                                root's shell profile, demerge from that shell
  demerge trust HOST...         show each node's host key fingerprint, ask, and
                                write the build's known_hosts; --fingerprint
                                SHA256:... pins it without asking; --replace
                                lets a pinned key replace a different one
  demerge setup node HOST...    over your own ssh (agent, ~/.ssh/config), as
                                root: the distcc account, /etc/distcc/.ssh and
                                the build key in authorized_keys
     --admin=USER               log in as USER (password-less sudo) not root
     --admin-key=FILE           your identity file for that login
     --restrict                 the key may run distcc jobs and demerge's own
                                requests only (/etc/distcc/demerge-command)
     --from=CIDR                the key works from these addresses only
     --unlock                   unlock a locked distcc account
     --print                    print the script for each node instead
  demerge setup                 key, trust and node for the configured nodes,
                                then --dry-check (takes the node options)
  The first word must be setup or trust; "demerge -- setup" emerges "setup".

The history of runs: every build with distcc appends one record (its nodes,
and per package the jobs remote and local, local jobs by cause, build time)
to \${EPREFIX}/var/lib/demerge/history.jsonl (or $DEMERGE_HISTORY).
  demerge report                the last 10 runs, each with its packages and
                                a bar of each package's remote share
     --last=N                   the last N runs instead
     --package=ATOM             that package across runs (category/name,
                                name or =category/name-version)
     --json                     one JSON document (schema in the source:
                                schema/report.schema.json)
  Bars are block characters in a UTF-8 locale, # otherwise (LANG=C).
  The first word must be report; "demerge -- report" emerges "report".

On a terminal, once emerge starts building, a dashboard shows every node
(state, distcc backoff, rtt, load, slots, its compilers), every distcc job
and its phase, fallbacks to local compiles with their reasons, and Portage's
progress. Until then (--ask, --pretend) the terminal is emerge's as usual.
Keys: up/down/Tab select a node, Enter its details, e emerge's own output,
q leave the dashboard (the build goes on; s there stops it), ? help. After
emerge ends, a summary on stderr: jobs and CPU time per node, the remote
share, local jobs by cause, fallbacks and why, the wall time, and one line
per package: jobs remote and local, its remote share, its local jobs by
cause and its build time. As root each package's jobs are told apart
exactly (a DISTCC_LOG of its own), with emerge --jobs too.

Environment:
  DEMERGE_CONFIG    configuration file
  DEMERGE_EMERGE    the emerge program (default: emerge from PATH)
  DEMERGE_PORTAGEQ  the portageq program (default: the one beside emerge,
                    else portageq from PATH)
  SSH_AUTH_SOCK     the ssh-agent holding a build key with a passphrase;
                    the build user reaches it through a socket of the run
                    that passes the build key's signatures only
  DEMERGE_HISTORY   the history file (default
                    \${EPREFIX}/var/lib/demerge/history.jsonl)

Exit status: emerge's own (0, 1, 130 on SIGINT or --ask answered No,
143 on SIGTERM); 2 for a configuration error; 127 when emerge is missing.
--dry-check: 0 all good, 1 usable with warnings or some nodes left out,
2 nothing usable or a configuration error.
setup and trust: 0 all fine, 1 some step or node failed (trust then writes
nothing), 2 bad usage or configuration. report: 0, or 2 for bad options.

See demerge(1).
`;
}
