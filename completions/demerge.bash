# bash completion for demerge(1)                           -*- shell-script -*-
#
# Installed as /usr/share/bash-completion/completions/demerge, bash-completion loads it the
# first time demerge is completed; without bash-completion, source it from ~/.bashrc.
#
# Completes demerge's options and sub-commands (setup, trust, report), the configured compile nodes
# after `trust` and `setup node`, and hands emerge's arguments to emerge's own completion
# (_emerge, from Gentoo's app-shells/gentoo-bashcomp) where it is installed, with demerge's
# own options taken out of the line it sees.

# The configured nodes, one per line, read with bash alone (no demerge start per Tab): every
# host = "..." of the configuration file (FILE as given: --config=FILE on the line, else
# $DEMERGE_CONFIG, else /etc/demerge.conf); without that file, the hosts of distcc's
# /etc/distcc/hosts, as demerge itself falls back to it.
_demerge_hosts()
{
    local file=${1-} named=${1-}${DEMERGE_CONFIG-} line word
    local re='(^|[[:space:]{,])host[[:space:]]*=[[:space:]]*["'\'']([^"'\'']+)["'\'']'
    # (_demerge_default_conf and _demerge_distcc_hosts: other paths, for the tests)
    [[ -n $file ]] || file=${DEMERGE_CONFIG:-${_demerge_default_conf:-/etc/demerge.conf}}
    # shellcheck disable=SC2088 # a literal ~/ as typed after --config=
    [[ $file == "~/"* ]] && file=$HOME/${file#"~/"}
    if [[ -f $file && -r $file ]]; then
        while IFS= read -r line || [[ -n $line ]]; do
            line=${line%%#*} # host names have no '#'
            while [[ $line =~ $re ]]; do
                word=${BASH_REMATCH[2]}
                line=${line#*"${BASH_REMATCH[0]}"}
                _demerge_host_name "$word" && printf '%s\n' "$word"
            done
        done <"$file"
        return 0
    fi
    local hosts=${_demerge_distcc_hosts:-/etc/distcc/hosts} entries
    [[ -z $named && -r $hosts ]] || return 0
    # distcc's host list: [@|USER@]HOST[:PORT][/LIMIT][,OPTIONS], localhost, --options
    while IFS= read -r line || [[ -n $line ]]; do
        read -ra entries <<<"${line%%#*}"
        for word in "${entries[@]}"; do
            word=${word%%,*}
            word=${word%%/*}
            word=${word##*@}
            word=${word%%:*}
            [[ $word != localhost ]] && _demerge_host_name "$word" && printf '%s\n' "$word"
        done
    done <"$hosts"
}

# A host name or an IPv4 address (demerge refuses anything else).
_demerge_host_name()
{
    [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]
}

# Loads emerge's completion (gentoo-bashcomp) once; fails when there is none.
_demerge_load_emerge()
{
    declare -F _emerge >/dev/null && return 0
    if declare -F _comp_load >/dev/null; then
        _comp_load emerge >/dev/null 2>&1
    elif declare -F __load_completion >/dev/null; then
        __load_completion emerge >/dev/null 2>&1
    fi
    declare -F _emerge >/dev/null && return 0
    local dir
    for dir in ${BASH_COMPLETION_USER_DIR:+"$BASH_COMPLETION_USER_DIR/completions"} \
        ${XDG_DATA_DIRS:+${XDG_DATA_DIRS//:/\/bash-completion/completions }/bash-completion/completions} \
        /usr/share/bash-completion/completions; do
        if [[ -r $dir/emerge ]]; then
            # shellcheck source=/dev/null
            . "$dir/emerge" >/dev/null 2>&1
            break
        fi
    done
    declare -F _emerge >/dev/null
}

# COMPREPLY += the words of $2 (one per line) that start with $1.
_demerge_add()
{
    local word
    while IFS= read -r word; do
        [[ -n $word && $word == "$1"* ]] && COMPREPLY+=("$word")
    done <<<"$2"
}

_demerge_files()
{
    local file
    while IFS= read -r file; do
        [[ -n $file ]] && COMPREPLY+=("$file")
    done < <(compgen -f -- "$1")
    compopt -o filenames 2>/dev/null
}

_demerge()
{
    COMPREPLY=()
    # Raw words, as bash splits them: `--config=FILE` is `--config` `=` `FILE`.
    local cword=$COMP_CWORD cur=${COMP_WORDS[COMP_CWORD]-} prev=${COMP_WORDS[COMP_CWORD-1]-}
    local nwords=${#COMP_WORDS[@]} option='' value=$cur config='' i word
    if [[ $cur == = ]]; then
        option=$prev value=''
    elif [[ $prev == = ]]; then
        option=${COMP_WORDS[cword - 2]-}
    fi
    # --config=FILE elsewhere on the line names the file of the nodes.
    for ((i = 1; i + 2 < nwords; i++)); do
        if [[ ${COMP_WORDS[i]} == --config && ${COMP_WORDS[i + 1]} == = ]] && ((i + 1 != cword && i + 2 != cword)); then
            config=${COMP_WORDS[i + 2]}
        fi
    done

    local command=''
    ((cword > 1)) && command=${COMP_WORDS[1]}
    if [[ $command == @(setup|trust) ]]; then
        _demerge_setup
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        return 0
    fi
    # `demerge report`: its own options only; nothing reaches emerge.
    if [[ $command == report ]]; then
        case $option in
        --last | --package) return 0 ;;
        esac
        [[ $cur == -* || -z $cur ]] && _demerge_add "$cur" $'--last=\n--package=\n--json\n--help'
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        return 0
    fi

    # A build. demerge's own option values first.
    case $option in
    --config)
        _demerge_files "$value"
        return 0
        ;;
    --make-jobs | --sample-interval | --dashboard) return 0 ;;
    esac

    # Everything else is emerge's: its completion sees the line without demerge's options
    # and without the first `--`, which ends them. (-h, --help, -V and --version are
    # demerge's only as the sole argument, so they stay.)
    local -a ewords=(emerge)
    local ecword=0 ended=''
    for ((i = 1; i < nwords; i++)); do
        word=${COMP_WORDS[i]}
        if [[ -z $ended ]] && ((i != cword)); then
            if [[ $word == @(--config|--make-jobs|--sample-interval|--dashboard) && ${COMP_WORDS[i + 1]-} == = ]]; then
                ((i += 2)) # the `=` and the value
                continue
            fi
            if [[ $word == @(--strict|--dry-check|--json|--no-dashboard|--dashboard) ]]; then
                continue
            fi
            if [[ $word == -- ]]; then
                ended=1
                continue
            fi
        fi
        ((i == cword)) && ecword=${#ewords[@]}
        ewords+=("$word")
    done
    if ((ecword == 0)); then
        ecword=${#ewords[@]}
        ewords+=("")
    fi

    local own=''
    if [[ -z $ended && $cur == -* ]]; then
        own=$'--config=\n--make-jobs=\n--strict\n--dry-check\n--json\n--no-dashboard\n--sample-interval=\n--dashboard\n--dashboard='
        ((cword == 1 && nwords == 2)) && own+=$'\n-h\n--help\n-V\n--version'
    fi
    if _demerge_load_emerge; then
        # The line emerge's completion reads (it looks at COMP_LINE too): the words up to
        # the one completed, with `=` and `:` next to their neighbours, as typed.
        local eline='' previous=''
        for ((i = 0; i <= ecword; i++)); do
            word=${ewords[i]}
            if [[ -n $eline && $word != [=:] && $previous != [=:] ]]; then eline+=' '; fi
            eline+=$word previous=$word
        done
        local COMP_WORDS=("${ewords[@]}") COMP_CWORD=$ecword COMP_LINE=$eline COMP_POINT=${#eline}
        _emerge emerge "$cur" "${ewords[ecword - 1]}" 2>/dev/null
    else
        compopt -o default 2>/dev/null
    fi
    ((cword == 1)) && _demerge_add "$cur" $'setup\ntrust\nreport'
    _demerge_add "$cur" "$own"
    [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
    return 0
}

# `demerge setup ...` and `demerge trust ...` (the variables are _demerge's).
_demerge_setup()
{
    local step=$command
    if [[ $command == setup ]]; then
        step=all
        if [[ ${COMP_WORDS[2]-} == @(key|node) ]] && ((cword > 2)); then step=${COMP_WORDS[2]}; fi
    fi
    # These take their value after `=` or as the next word, as demerge's parser does.
    if [[ -z $option && $prev == @(--config|--admin|--admin-key|--from|--fingerprint) ]]; then
        option=$prev
    fi
    for ((i = 3; i < cword; i++)); do
        [[ ${COMP_WORDS[i - 1]} == --config && ${COMP_WORDS[i]} != = ]] && config=${COMP_WORDS[i]}
    done
    case $option in
    --config | --admin-key)
        _demerge_files "$value"
        return 0
        ;;
    --admin)
        _demerge_add "$value" "$(compgen -u -- "$value")"
        return 0
        ;;
    --from | --fingerprint) return 0 ;;
    esac
    local node=$'--config=\n--admin=\n--admin-key=\n--from=\n--restrict\n--unlock'
    case $step in
    all)
        ((cword == 2)) && _demerge_add "$cur" $'key\nnode'
        [[ $cur == -* ]] && _demerge_add "$cur" "$node"$'\n--help'
        ;;
    key)
        [[ $cur == -* ]] && _demerge_add "$cur" $'--config=\n--force\n--passphrase\n--help'
        ;;
    node | trust)
        if [[ $cur == -* ]]; then
            if [[ $step == node ]]; then
                _demerge_add "$cur" "$node"$'\n--print\n--help'
            else
                _demerge_add "$cur" $'--config=\n--fingerprint\n--replace\n--help'
            fi
            return 0
        fi
        # setup node ADMIN@HOST: the host after the @
        local host=$cur hosts
        [[ $step == node && $cur == *@* ]] && host=${cur#*@}
        hosts=$(_demerge_hosts "$config")
        while IFS= read -r word; do
            [[ -n $word && $word == "$host"* ]] && COMPREPLY+=("${cur%"$host"}$word")
        done <<<"$hosts"
        ;;
    esac
    return 0
}

complete -o filenames -F _demerge demerge
