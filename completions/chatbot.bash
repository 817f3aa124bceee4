#!/bin/bash

__chatbot_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__chatbot_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__chatbot_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__chatbot_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_chatbot() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __chatbot_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    ask|ingest|search|collections|transcribe|history|migrate|backup|users|keys|audit|serve|worker|jobs|config|local|scrape|extract|help)
        # Offer subcommand argument completions
        "_chatbot_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'ask ingest search collections transcribe history migrate backup users keys audit serve worker jobs config local scrape extract help' -- "${cur}"))
        ;;
    esac
}

_chatbot_ask() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q -c --continue --no-stream --no-log --cache --no-cache --json --local --version -h --help)
    repeating_options=(--file -f)
    non_repeating_options=(--config --data-dir --database-url --object-store -C --collection --top --system -s --model -m --conversation --temperature --max-tokens --remote)
    __chatbot_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--file'|'-f')
        return
        ;;
    '-C'|'--collection')
        return
        ;;
    '--top')
        return
        ;;
    '--system'|'-s')
        return
        ;;
    '--model'|'-m')
        return
        ;;
    '--conversation')
        return
        ;;
    '--temperature')
        return
        ;;
    '--max-tokens')
        return
        ;;
    '--remote')
        return
        ;;
    esac
}

_chatbot_ingest() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --hidden --prune --dry-run --force --json --allow-private --no-embed --queue --version -h --help)
    repeating_options=(--include --exclude)
    non_repeating_options=(--config --data-dir --database-url --object-store -C --collection --wait --chunk-size --chunk-overlap --source --filename --max-bytes --jobs)
    __chatbot_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '-C'|'--collection')
        return
        ;;
    '--include')
        return
        ;;
    '--exclude')
        return
        ;;
    '--wait')
        return
        ;;
    '--chunk-size')
        return
        ;;
    '--chunk-overlap')
        return
        ;;
    '--source')
        return
        ;;
    '--filename')
        return
        ;;
    '--max-bytes')
        return
        ;;
    '--jobs')
        return
        ;;
    esac
}

_chatbot_search() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store -C --collection -k --limit)
    __chatbot_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '-C'|'--collection')
        return
        ;;
    '-k'|'--limit')
        return
        ;;
    esac
}

_chatbot_collections() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __chatbot_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|show|share|unshare|delete)
        # Offer subcommand argument completions
        "_chatbot_collections_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list show share unshare delete' -- "${cur}"))
        ;;
    esac
}

_chatbot_collections_list() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_collections_show() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_collections_share() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_collections_unshare() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_collections_delete() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_transcribe() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --info --json --use-subtitles --force --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --format --language --prompt --output -o --model -m --stream --window-seconds --parallel)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--format')
        return
        ;;
    '--language')
        return
        ;;
    '--prompt')
        return
        ;;
    '--output'|'-o')
        return
        ;;
    '--model'|'-m')
        return
        ;;
    '--stream')
        return
        ;;
    '--window-seconds')
        return
        ;;
    '--parallel')
        return
        ;;
    esac
}

_chatbot_history() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __chatbot_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|show|search|export|usage)
        # Offer subcommand argument completions
        "_chatbot_history_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list show search export usage' -- "${cur}"))
        ;;
    esac
}

_chatbot_history_list() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --limit -l)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--limit'|'-l')
        return
        ;;
    esac
}

_chatbot_history_show() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_history_search() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --limit -l)
    __chatbot_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--limit'|'-l')
        return
        ;;
    esac
}

_chatbot_history_export() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_history_usage() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --since --until --days --by)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--since')
        return
        ;;
    '--until')
        return
        ;;
    '--days')
        return
        ;;
    '--by')
        __chatbot_add_completions -W 'model'$'\n''user'$'\n''key'
        return
        ;;
    esac
}

_chatbot_migrate() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __chatbot_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    status|up|down)
        # Offer subcommand argument completions
        "_chatbot_migrate_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'status up down' -- "${cur}"))
        ;;
    esac
}

_chatbot_migrate_status() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_migrate_up() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --dry-run --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --to)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--to')
        return
        ;;
    esac
}

_chatbot_migrate_down() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --dry-run --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --to)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--to')
        return
        ;;
    esac
}

_chatbot_backup() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __chatbot_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|verify|list|prune|restore)
        # Offer subcommand argument completions
        "_chatbot_backup_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create verify list prune restore' -- "${cur}"))
        ;;
    esac
}

_chatbot_backup_create() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --key-file --passphrase-file --to --level)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--key-file')
        return
        ;;
    '--passphrase-file')
        return
        ;;
    '--to')
        return
        ;;
    '--level')
        return
        ;;
    esac
}

_chatbot_backup_verify() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --key-file --passphrase-file)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--key-file')
        return
        ;;
    '--passphrase-file')
        return
        ;;
    esac
}

_chatbot_backup_list() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_backup_prune() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --dry-run --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --keep-last --keep-daily --keep-weekly)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--keep-last')
        return
        ;;
    '--keep-daily')
        return
        ;;
    '--keep-weekly')
        return
        ;;
    esac
}

_chatbot_backup_restore() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --force --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --key-file --passphrase-file)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--key-file')
        return
        ;;
    '--passphrase-file')
        return
        ;;
    esac
}

_chatbot_users() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __chatbot_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list|show|set-role|set-limits|disable|enable|passwd|delete)
        # Offer subcommand argument completions
        "_chatbot_users_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list show set-role set-limits disable enable passwd delete' -- "${cur}"))
        ;;
    esac
}

_chatbot_users_add() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --password-stdin --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --role --email)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--role')
        return
        ;;
    '--email')
        return
        ;;
    esac
}

_chatbot_users_list() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_users_show() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_users_set-role() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_users_set-limits() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --rpm --streams --budget-cost --budget-tokens --budget-period)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--rpm')
        return
        ;;
    '--streams')
        return
        ;;
    '--budget-cost')
        return
        ;;
    '--budget-tokens')
        return
        ;;
    '--budget-period')
        return
        ;;
    esac
}

_chatbot_users_disable() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_users_enable() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_users_passwd() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --password-stdin --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_users_delete() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_keys() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __chatbot_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|revoke|rotate-signing)
        # Offer subcommand argument completions
        "_chatbot_keys_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list revoke rotate-signing' -- "${cur}"))
        ;;
    esac
}

_chatbot_keys_create() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=(--scope)
    non_repeating_options=(--config --data-dir --database-url --object-store --user --name --expires-days --rpm --tpm --budget-cost --budget-tokens --budget-period)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--user')
        return
        ;;
    '--name')
        return
        ;;
    '--scope')
        return
        ;;
    '--expires-days')
        return
        ;;
    '--rpm')
        return
        ;;
    '--tpm')
        return
        ;;
    '--budget-cost')
        return
        ;;
    '--budget-tokens')
        return
        ;;
    '--budget-period')
        return
        ;;
    esac
}

_chatbot_keys_list() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --user)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--user')
        return
        ;;
    esac
}

_chatbot_keys_revoke() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_keys_rotate-signing() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_audit() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --since --limit)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--since')
        return
        ;;
    '--limit')
        return
        ;;
    esac
}

_chatbot_serve() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --version -h --help)
    repeating_options=(--trusted-proxy --cors-origin --fetch-allow)
    non_repeating_options=(--config --data-dir --database-url --object-store --host --port --grace --tls-cert --tls-key --metrics-port --access-log --idle-timeout --workers --max-upload)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--host')
        return
        ;;
    '--port')
        return
        ;;
    '--grace')
        return
        ;;
    '--trusted-proxy')
        return
        ;;
    '--cors-origin')
        return
        ;;
    '--tls-cert')
        return
        ;;
    '--tls-key')
        return
        ;;
    '--metrics-port')
        return
        ;;
    '--access-log')
        return
        ;;
    '--idle-timeout')
        return
        ;;
    '--workers')
        return
        ;;
    '--max-upload')
        return
        ;;
    '--fetch-allow')
        return
        ;;
    esac
}

_chatbot_worker() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --version -h --help)
    repeating_options=(--fetch-allow)
    non_repeating_options=(--config --data-dir --database-url --object-store --concurrency --kinds --grace --lease --metrics-port)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--concurrency')
        return
        ;;
    '--kinds')
        return
        ;;
    '--grace')
        return
        ;;
    '--lease')
        return
        ;;
    '--fetch-allow')
        return
        ;;
    '--metrics-port')
        return
        ;;
    esac
}

_chatbot_jobs() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __chatbot_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|show|cancel|retry|prune)
        # Offer subcommand argument completions
        "_chatbot_jobs_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list show cancel retry prune' -- "${cur}"))
        ;;
    esac
}

_chatbot_jobs_list() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --status --kind --limit)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--status')
        return
        ;;
    '--kind')
        return
        ;;
    '--limit')
        return
        ;;
    esac
}

_chatbot_jobs_show() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_jobs_cancel() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_jobs_retry() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_jobs_prune() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store --older-than)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--older-than')
        return
        ;;
    esac
}

_chatbot_config() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __chatbot_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    show|path|init)
        # Offer subcommand argument completions
        "_chatbot_config_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'show path init' -- "${cur}"))
        ;;
    esac
}

_chatbot_config_show() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_config_path() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_config_init() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --force --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac
}

_chatbot_local() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __chatbot_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    status|start|stop)
        # Offer subcommand argument completions
        "_chatbot_local_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'status start stop' -- "${cur}"))
        ;;
    esac
}

_chatbot_local_status() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __chatbot_add_completions -W 'chat'$'\n''embeddings'$'\n''speech'
        return
        ;;
    esac
}

_chatbot_local_start() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __chatbot_add_completions -W 'chat'$'\n''embeddings'$'\n''speech'
        return
        ;;
    esac
}

_chatbot_local_stop() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--config --data-dir --database-url --object-store)
    __chatbot_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __chatbot_add_completions -W 'chat'$'\n''embeddings'$'\n''speech'
        return
        ;;
    esac
}

_chatbot_scrape() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --ingest --json --prune --allow-private --version -h --help)
    repeating_options=(--include --exclude --sitemap)
    non_repeating_options=(--base-url --format --charset -C --collection --config --data-dir --database-url --object-store --depth --max-pages --scope --delay --concurrency --per-host --timeout --connect-timeout --max-bytes --user-agent)
    __chatbot_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--base-url')
        return
        ;;
    '--format')
        __chatbot_add_completions -W 'markdown'$'\n''text'$'\n''json'$'\n''ndjson'
        return
        ;;
    '--charset')
        return
        ;;
    '-C'|'--collection')
        return
        ;;
    '--config')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--database-url')
        return
        ;;
    '--object-store')
        return
        ;;
    '--depth')
        return
        ;;
    '--max-pages')
        return
        ;;
    '--scope')
        return
        ;;
    '--include')
        return
        ;;
    '--exclude')
        return
        ;;
    '--sitemap')
        return
        ;;
    '--delay')
        return
        ;;
    '--concurrency')
        return
        ;;
    '--per-host')
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--max-bytes')
        return
        ;;
    '--user-agent')
        return
        ;;
    esac
}

_chatbot_extract() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--format --password --max-bytes --filename)
    __chatbot_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--format')
        __chatbot_add_completions -W 'markdown'$'\n''text'$'\n''json'$'\n''ndjson'
        return
        ;;
    '--password')
        return
        ;;
    '--max-bytes')
        return
        ;;
    '--filename')
        return
        ;;
    esac
}

_chatbot_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __chatbot_offer_flags_options -1
}

complete -o filenames -F _chatbot chatbot
