import { shellQuote } from '../run-env/shell-quote.js';
import { AUTHORIZED_KEYS_AWK, authorizedKeyLine, authorizedKeyPrefix } from './authorized-keys.js';
import { COMMAND_FILE } from './forced-command.js';
import type { PublicKey } from './public-key.js';

// The node side of the recipe as ONE POSIX sh script, run as root on the node: piped into
// `ssh root@node sh -s` by `setup node`, or printed by `setup node --print` for the admin to
// run. Every value is a shell-quoted assignment at the top; nothing is interpolated into code.
// It changes only what differs and reports each change as an "@@demerge changed ..." line.
//
// Recipe (Gentoo wiki, "distcc over SSH"): account distcc with home /etc/distcc and a real
// shell (sshd runs every command, a forced one too, through it); `chown -R distcc:daemon
// /etc/distcc` for the home, .ssh and authorized_keys (setup leaves distcc's own config files in
// /etc/distcc alone); .ssh 0700; authorized_keys 0644 or stricter; the key appended once.

export const REPORT_MARK = '@@demerge';
export const HOME = '/etc/distcc';
const GROUP = 'daemon';
const HEREDOC_END = '@@DEMERGE_COMMAND_FILE_END';

export interface NodeScriptInput {
  /** For the header only. */
  host: string;
  user: string;
  key: PublicKey;
  /** authorized_keys options to enforce; undefined keeps the existing line's options. */
  options: string | undefined;
  unlock: boolean;
  /** Content of /etc/distcc/demerge-command, written when the key is restricted. */
  forcedCommand?: string;
  version: string;
}

export function renderNodeScript(input: NodeScriptInput): string {
  if (input.forcedCommand?.split('\n').includes(HEREDOC_END)) throw new Error('forced command contains the here-document end marker');
  const assignments = [
    `user=${shellQuote(input.user)}`,
    `group=${shellQuote(GROUP)}`,
    `home=${shellQuote(HOME)}`,
    `key_blob=${shellQuote(input.key.blob)}`,
    `key_line=${shellQuote(authorizedKeyLine(input.key, input.options))}`,
    `key_prefix=${shellQuote(authorizedKeyPrefix(input.key, input.options))}`,
    `set_options=${input.options === undefined ? 0 : 1}`,
    `unlock=${input.unlock ? 1 : 0}`,
    `command_file=${input.forcedCommand === undefined ? "''" : shellQuote(COMMAND_FILE)}`,
  ];
  const commandFile =
    input.forcedCommand === undefined
      ? ''
      : `write_command_file() {
	cat <<'${HEREDOC_END}'
${input.forcedCommand.replace(/\n$/, '')}
${HEREDOC_END}
}
`;
  return `#!/bin/sh
# demerge ${input.version} setup node ${input.host}: the distcc account and the build key, as the
# Gentoo wiki's "distcc over SSH" recipe sets them up. Run it as root on the node, e.g.
#   ssh root@${input.host} sh -s < this-file
# It is idempotent: it changes only what differs, prints "${REPORT_MARK} changed ..." for each
# change, and writes files through a temporary file and a rename.
set -u
${assignments.join('\n')}

PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
umask 022
temps=
trap 'rm -f $temps' EXIT

say() { printf '${REPORT_MARK} %s\\n' "$*"; }
changed() { say "changed $*"; }
die() { say "error $*"; exit 1; }
run() { "$@" </dev/null || die "$* failed (exit $?)"; }

# A database entry (passwd, group, shadow) through NSS, or from the file.
entry() { getent "$1" "$2" 2>/dev/null || awk -F: -v n="$2" '$1 == n' "/etc/$1" 2>/dev/null || true; }
field() { printf '%s\\n' "$1" | cut -d: -f"$2"; }

can_run_commands() {
	case $1 in '' | */nologin | */false | */true) return 1 ;; esac
	[ -x "$1" ]
}

not_a_link() { [ ! -L "$1" ] || die "$1 is a symbolic link: replace it with a real one (setup never follows links as root)"; }

owned() {
	now=$(stat -c %u:%g "$1") || die "cannot stat $1"
	[ "$now" = "$2" ] && return 0
	run chown "$2" "$1"
	changed "owner of $1 set to $3 (was $now)"
}

# Clears the permission bits that $2 does not allow.
mode_at_most() {
	now=$(stat -c %a "$1") || die "cannot stat $1"
	new=$(printf '%o' $((0$now & 0$2)))
	[ "$now" = "$new" ] && return 0
	run chmod "$new" "$1"
	changed "mode of $1 set to $new (was $now)"
}

${commandFile}
main() {
	[ "$(id -u)" = 0 ] || die "not running as root on the node: log in as root, or give --admin=USER for a user with password-less sudo"

	# The account. sshd runs every command through the login shell: nologin would refuse them all.
	shell=/bin/sh
	[ -x /bin/bash ] && shell=/bin/bash
	pw=$(entry passwd "$user")
	if [ -z "$pw" ]; then
		[ -n "$(entry group "$group")" ] || die "group $group does not exist: create it, or create the account $user by hand"
		command -v useradd >/dev/null 2>&1 || die "useradd is missing: create the account $user by hand (home $home, shell $shell, group $group)"
		# '*' rather than useradd's default '!': without PAM, sshd treats '!' as a locked account.
		run useradd --system --no-create-home --home-dir "$home" --shell "$shell" --gid "$group" --password '*' "$user"
		changed "created the account $user (home $home, shell $shell, group $group)"
		pw=$(entry passwd "$user")
		[ -n "$pw" ] || die "useradd succeeded but $user is still unknown"
	fi
	now_home=$(field "$pw" 6)
	if [ "$now_home" != "$home" ]; then
		run usermod -d "$home" "$user"
		changed "home of $user set to $home (was $now_home)"
	fi
	now_shell=$(field "$pw" 7)
	if ! can_run_commands "$now_shell"; then
		run usermod -s "$shell" "$user"
		changed "shell of $user set to $shell (was \${now_shell:-none}; sshd runs every command through it)"
	fi
	password=$(field "$(entry shadow "$user")" 2)
	case $password in
	'!'*)
		if [ "$unlock" = 1 ]; then
			rest=$password
			while :; do case $rest in '!'*) rest=\${rest#?} ;; *) break ;; esac; done
			if [ -z "$rest" ]; then run usermod -p '*' "$user"; else run usermod -U "$user"; fi
			changed "unlocked the account $user"
		else
			say "warning the account $user is locked ('!' in /etc/shadow): sshd refuses its key logins unless it uses PAM; run setup node again with --unlock"
		fi
		;;
	esac

	uid=$(id -u "$user") || die "cannot find the uid of $user"
	gid=$(field "$(entry group "$group")" 3)
	[ -n "$gid" ] || die "group $group does not exist"

	# Home and .ssh: distcc:daemon as the recipe says; nothing group- or world-writable (sshd's
	# StrictModes would refuse the key otherwise).
	not_a_link "$home"
	if [ ! -d "$home" ]; then
		run mkdir -p "$home"
		changed "created $home"
	fi
	owned "$home" "$uid:$gid" "$user:$group"
	mode_at_most "$home" 7755
	ssh_dir=$home/.ssh
	not_a_link "$ssh_dir"
	if [ ! -d "$ssh_dir" ]; then
		run mkdir -m 700 "$ssh_dir"
		changed "created $ssh_dir"
	fi
	owned "$ssh_dir" "$uid:$gid" "$user:$group"
	mode_at_most "$ssh_dir" 700

	# authorized_keys: the build key exactly once, found by its blob; other lines untouched.
	keys=$ssh_dir/authorized_keys
	not_a_link "$keys"
	[ ! -e "$keys" ] || [ -f "$keys" ] || die "$keys is not a regular file"
	source=/dev/null
	[ -f "$keys" ] && source=$keys
	temp=$(mktemp "$ssh_dir/.authorized_keys.demerge.XXXXXX") || die "cannot create a temporary file in $ssh_dir"
	temps="$temps $temp"
	counts=$(KEY_BLOB=$key_blob KEY_LINE=$key_line KEY_PREFIX=$key_prefix SET_OPTIONS=$set_options \\
		awk '${AUTHORIZED_KEYS_AWK.replace(/'/g, `'\\''`)}' "$source" 2>&1 >"$temp") || die "awk failed on $keys: $counts"
	set -- $counts
	if cmp -s "$temp" "$source"; then
		rm -f "$temp"
	else
		mode=644
		[ -f "$keys" ] && mode=$(printf '%o' $((0$(stat -c %a "$keys") & 0644)))
		run chmod "$mode" "$temp"
		run chown "$uid:$gid" "$temp"
		run mv -f "$temp" "$keys"
		if [ "$1" = 0 ]; then changed "added the build key to $keys"; fi
		if [ "$2" = 1 ]; then changed "set the build key's options in $keys"; fi
		if [ "$3" != 0 ]; then changed "removed $3 duplicate line(s) of the build key from $keys"; fi
		if [ "$1$2$3" = 100 ]; then changed "rewrote $keys (line endings)"; fi
	fi
	owned "$keys" "$uid:$gid" "$user:$group"
	mode_at_most "$keys" 644

	# The forced command of a restricted key: root's, so the key's own account cannot change it.
	if [ -n "$command_file" ]; then
		not_a_link "$command_file"
		temp=$(mktemp "$home/.demerge-command.XXXXXX") || die "cannot create a temporary file in $home"
		temps="$temps $temp"
		write_command_file >"$temp" || die "cannot write $temp"
		if [ -f "$command_file" ] && cmp -s "$temp" "$command_file"; then
			rm -f "$temp"
		else
			run chmod 755 "$temp"
			run chown 0:0 "$temp"
			run mv -f "$temp" "$command_file"
			changed "wrote $command_file (the commands the restricted key may run)"
		fi
		owned "$command_file" 0:0 root:root
		mode_at_most "$command_file" 755
	fi
	say done
}

# The whole script is read before main runs: commands inside cannot eat it from stdin.
main </dev/null
`;
}
