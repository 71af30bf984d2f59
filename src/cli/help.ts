// `demerge --help`: kept in step with man/demerge.1.

export function renderHelp(version: string): string {
  return `demerge ${version}: emerge with distcc over SSH, for this run only

Usage:
  demerge [demerge options] <emerge arguments>
  demerge --dry-check [--json] [--config=FILE]

Every argument that is not a demerge option reaches emerge unchanged and in
order; "--" ends demerge's options. demerge checks the compile nodes, builds
DISTCC_HOSTS, DISTCC_SSH, DISTCC_DIR, MAKEOPTS and FEATURES for this run
only, runs emerge, and exits with emerge's status. Nothing is written to
/etc or /etc/portage.

demerge options:
  --config=FILE     configuration file (default /etc/demerge.conf, or
                    $DEMERGE_CONFIG; without one, nodes come from
                    /etc/distcc/hosts). "--config" alone is emerge's action.
  --make-jobs=N     MAKEOPTS -jN instead of 2 x (node slots + local slots) + 1
                    (-j/--jobs stay emerge's own option)
  --strict          fail instead of building locally when no node answers
  --dry-check       check the key, known_hosts and every node, build nothing
  --json            with --dry-check: one JSON document
  -h, --help        this help (alone)
  -V, --version     demerge's version (alone)

Environment:
  DEMERGE_CONFIG    configuration file
  DEMERGE_EMERGE    the emerge program (default: emerge from PATH)

Exit status: emerge's own (0, 1, 130 on SIGINT or --ask answered No,
143 on SIGTERM); 2 for a configuration error; 127 when emerge is missing.

See demerge(1).
`;
}
