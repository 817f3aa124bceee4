function __chatbot_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __chatbot_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __chatbot_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __chatbot_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __chatbot_parse_tokens -S
    set -l unparsed_tokens (__chatbot_tokens -pc)
    switch $unparsed_tokens[1]
    case 'chatbot'
        __chatbot_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'ask'
            __chatbot_parse_subcommand -r 1 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'f/file=+' 's/system=' 'm/model=' 'c/continue' 'conversation=' 'temperature=' 'max-tokens=' 'no-stream' 'no-log' 'cache' 'no-cache' 'json' 'version' 'h/help'
        case 'history'
            __chatbot_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __chatbot_parse_subcommand 0 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'l/limit=' 'json' 'version' 'h/help'
            case 'show'
                __chatbot_parse_subcommand 1 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'json' 'version' 'h/help'
            case 'search'
                __chatbot_parse_subcommand -r 1 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'l/limit=' 'json' 'version' 'h/help'
            case 'export'
                __chatbot_parse_subcommand -r 1 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'version' 'h/help'
            case 'usage'
                __chatbot_parse_subcommand 0 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'since=' 'until=' 'days=' 'json' 'version' 'h/help'
            end
        case 'migrate'
            __chatbot_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'status'
                __chatbot_parse_subcommand 0 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'json' 'version' 'h/help'
            case 'up'
                __chatbot_parse_subcommand 0 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'to=' 'dry-run' 'version' 'h/help'
            case 'down'
                __chatbot_parse_subcommand 0 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'to=' 'dry-run' 'version' 'h/help'
            end
        case 'backup'
            __chatbot_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __chatbot_parse_subcommand 0 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'key-file=' 'passphrase-file=' 'to=' 'level=' 'json' 'version' 'h/help'
            case 'verify'
                __chatbot_parse_subcommand 1 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'key-file=' 'passphrase-file=' 'json' 'version' 'h/help'
            case 'list'
                __chatbot_parse_subcommand 1 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'json' 'version' 'h/help'
            case 'prune'
                __chatbot_parse_subcommand 1 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'keep-last=' 'keep-daily=' 'keep-weekly=' 'dry-run' 'json' 'version' 'h/help'
            case 'restore'
                __chatbot_parse_subcommand 1 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'key-file=' 'passphrase-file=' 'force' 'json' 'version' 'h/help'
            end
        case 'config'
            __chatbot_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'show'
                __chatbot_parse_subcommand 0 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'json' 'version' 'h/help'
            case 'path'
                __chatbot_parse_subcommand 0 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'version' 'h/help'
            case 'init'
                __chatbot_parse_subcommand 0 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'force' 'version' 'h/help'
            end
        case 'local'
            __chatbot_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'status'
                __chatbot_parse_subcommand -r 1 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'json' 'version' 'h/help'
            case 'start'
                __chatbot_parse_subcommand -r 1 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'version' 'h/help'
            case 'stop'
                __chatbot_parse_subcommand -r 1 'config=' 'data-dir=' 'database-url=' 'object-store=' 'v/verbose' 'q/quiet' 'version' 'h/help'
            end
        case 'scrape'
            __chatbot_parse_subcommand -r 1 'base-url=' 'format=' 'charset=' 'q/quiet' 'version' 'h/help'
        case 'extract'
            __chatbot_parse_subcommand 1 'format=' 'password=' 'max-bytes=' 'filename=' 'version' 'h/help'
        case 'help'
            __chatbot_parse_subcommand -r 1 'version'
        end
    end
end

function __chatbot_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __chatbot_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __chatbot_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __chatbot_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__chatbot_tokens -p)
    if test -z "$(__chatbot_tokens -t)"
        set -l index (count (__chatbot_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'chatbot' -f
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot" -eq 1' -fa 'ask' -d 'Ask a question and stream the answer.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot" -eq 1' -fa 'history' -d 'List, show, search and export past conversations; token and cost totals.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot" -eq 1' -fa 'migrate' -d 'Show and change the database schema version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot" -eq 1' -fa 'backup' -d 'Back up, verify, list, prune and restore the database and object store.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot" -eq 1' -fa 'config' -d 'Show, locate or create the configuration file.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot" -eq 1' -fa 'local' -d 'Show and control the managed local model servers.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot" -eq 1' -fa 'scrape' -d 'Extract the main content and metadata of web pages as Markdown, text or JSON.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot" -eq 1' -fa 'extract' -d 'Extract the text, structure and metadata of a document as Markdown, text or JSON.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask"' -l 'file' -s 'f' -d 'Attach a text file (repeatable).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" s system' -l 'system' -s 's' -d 'A system prompt.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" m model' -l 'model' -s 'm' -d 'An alias, a provider, or provider:model.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" c continue' -s 'c' -l 'continue' -d 'Continue the latest conversation.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" conversation' -l 'conversation' -d 'Continue the conversation with this id (or unique prefix).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" temperature' -l 'temperature' -d 'Sampling temperature (0 is deterministic).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" max-tokens' -l 'max-tokens' -d 'Maximum number of tokens to generate.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" no-stream' -l 'no-stream' -d 'Print the answer only when it is complete.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" no-log' -l 'no-log' -d 'Do not record this exchange in the history.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" cache' -l 'cache' -d 'Use the response cache for deterministic requests (default: the config\'s cache).'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" no-cache' -l 'no-cache' -d 'Use the response cache for deterministic requests (default: the config\'s cache).'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" json' -l 'json' -d 'Print one JSON object: answer, model, provider, usage, cost, conversation_id, latency_ms, ….'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot ask" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot history" -eq 1' -fa 'list' -d 'List conversations, most recent first.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot history" -eq 1' -fa 'show' -d 'Print one conversation (default: the latest).'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot history" -eq 1' -fa 'search' -d 'Full-text search over every message.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot history" -eq 1' -fa 'export' -d 'Export conversations with their messages as JSON.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot history" -eq 1' -fa 'usage' -d 'Token and cost totals per model over a period.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history list" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history list" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history list" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history list" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history list" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history list" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history list" l limit' -l 'limit' -s 'l' -d 'How many to list.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history list" json' -l 'json' -d 'Print JSON.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history list" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history show" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history show" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history show" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history show" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history show" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history show" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history show" json' -l 'json' -d 'Print JSON.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history show" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history search" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history search" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history search" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history search" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history search" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history search" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history search" l limit' -l 'limit' -s 'l' -d 'How many hits to print.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history search" json' -l 'json' -d 'Print JSON.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history search" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history search" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history export" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history export" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history export" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history export" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history export" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history export" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history export" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history usage" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history usage" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history usage" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history usage" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history usage" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history usage" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history usage" since' -l 'since' -d 'Start of the period (YYYY-MM-DD, inclusive).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history usage" until' -l 'until' -d 'End of the period (YYYY-MM-DD, exclusive).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history usage" days' -l 'days' -d 'The last N days (instead of --since).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history usage" json' -l 'json' -d 'Print JSON.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history usage" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot history usage" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot migrate" -eq 1' -fa 'status' -d 'List migrations and whether each is applied.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot migrate" -eq 1' -fa 'up' -d 'Apply pending migrations.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot migrate" -eq 1' -fa 'down' -d 'Revert migrations down to a version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate status" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate status" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate status" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate status" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate status" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate status" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate status" json' -l 'json' -d 'Print JSON.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate status" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate up" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate up" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate up" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate up" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate up" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate up" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate up" to' -l 'to' -d 'Stop at this version (default: the latest).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate up" dry-run' -l 'dry-run' -d 'Print the SQL without running it.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate up" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate up" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate down" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate down" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate down" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate down" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate down" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate down" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate down" to' -l 'to' -d 'Revert every migration above this version (0 reverts all).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate down" dry-run' -l 'dry-run' -d 'Print the SQL without running it.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate down" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot migrate down" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot backup" -eq 1' -fa 'create' -d 'Write a backup of the database and objects into a directory.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot backup" -eq 1' -fa 'verify' -d 'Check a backup: manifest, every file\'s SHA-256, decryption, decompression and row counts.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot backup" -eq 1' -fa 'list' -d 'List the backups in a directory, newest first.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot backup" -eq 1' -fa 'prune' -d 'Delete old backups, keeping the newest and one per recent day and week.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot backup" -eq 1' -fa 'restore' -d 'Restore a backup into the configured (empty) database and object store.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" key-file' -l 'key-file' -d 'Encrypt (or decrypt) with this key: 32 raw bytes or 64 hex characters.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" passphrase-file' -l 'passphrase-file' -d 'Encrypt (or decrypt) with the passphrase on this file\'s first line (scrypt).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" to' -l 'to' -d 'The directory, or s3://bucket/prefix?endpoint=...&region=..., to write the backup into.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" level' -l 'level' -d 'zstd compression level (1-19).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" json' -l 'json' -d 'Print a JSON report.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup verify" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup verify" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup verify" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup verify" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup verify" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup verify" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup verify" key-file' -l 'key-file' -d 'Encrypt (or decrypt) with this key: 32 raw bytes or 64 hex characters.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup verify" passphrase-file' -l 'passphrase-file' -d 'Encrypt (or decrypt) with the passphrase on this file\'s first line (scrypt).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup verify" json' -l 'json' -d 'Print a JSON report.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup verify" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup list" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup list" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup list" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup list" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup list" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup list" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup list" json' -l 'json' -d 'Print JSON.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup list" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" keep-last' -l 'keep-last' -d 'Keep the newest N backups.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" keep-daily' -l 'keep-daily' -d 'Keep the newest backup of each of the last N days.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" keep-weekly' -l 'keep-weekly' -d 'Keep the newest backup of each of the last N ISO weeks.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" dry-run' -l 'dry-run' -d 'Show what would be deleted; delete nothing.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" json' -l 'json' -d 'Print JSON.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup prune" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup restore" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup restore" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup restore" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup restore" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup restore" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup restore" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup restore" key-file' -l 'key-file' -d 'Encrypt (or decrypt) with this key: 32 raw bytes or 64 hex characters.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup restore" passphrase-file' -l 'passphrase-file' -d 'Encrypt (or decrypt) with the passphrase on this file\'s first line (scrypt).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup restore" force' -l 'force' -d 'Replace the contents of a non-empty target.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup restore" json' -l 'json' -d 'Print a JSON report.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup restore" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot backup restore" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot config" -eq 1' -fa 'show' -d 'Print the effective configuration (secrets redacted).'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot config" -eq 1' -fa 'path' -d 'Print the path of the configuration file.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot config" -eq 1' -fa 'init' -d 'Write a commented starter configuration file.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config show" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config show" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config show" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config show" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config show" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config show" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config show" json' -l 'json' -d 'Print JSON.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config show" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config path" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config path" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config path" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config path" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config path" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config path" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config path" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config path" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config init" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config init" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config init" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config init" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config init" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config init" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config init" force' -l 'force' -d 'Overwrite an existing file.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config init" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot config init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot local" -eq 1' -fa 'status' -d 'Show each server\'s state, port, pid and log.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot local" -eq 1' -fa 'start' -d 'Start servers and wait until they are ready.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot local" -eq 1' -fa 'stop' -d 'Stop servers that chatbot started.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local status" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local status" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local status" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local status" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local status" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local status" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot local status" -ge 1' -fka 'chat embeddings speech'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local status" json' -l 'json' -d 'Print JSON.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local status" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local start" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local start" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local start" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local start" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local start" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local start" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot local start" -ge 1' -fka 'chat embeddings speech'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local start" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local start" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local stop" config' -l 'config' -d 'Read configuration from this YAML file.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local stop" data-dir' -l 'data-dir' -d 'Keep the database and objects in this directory.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local stop" database-url' -l 'database-url' -d 'Use this PostgreSQL database instead of the embedded SQLite store (postgres://user@host:port/db?sslmode=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local stop" object-store' -l 'object-store' -d 'Keep objects in this S3-compatible bucket instead of the data directory (s3://bucket/prefix?endpoint=...&region=...).' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local stop" v verbose' -l 'verbose' -s 'v' -d 'Log what chatbot is doing to stderr.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local stop" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_positional "chatbot local stop" -ge 1' -fka 'chat embeddings speech'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local stop" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot local stop" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot scrape" base-url' -l 'base-url' -d 'The page\'s URL, for resolving relative links.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot scrape" format' -l 'format' -d 'Output format: markdown, text, json or ndjson.' -rfka 'markdown text json ndjson'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot scrape" charset' -l 'charset' -d 'Decode the input with this charset instead of detecting it.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot scrape" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but results and errors.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot scrape" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot scrape" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot extract" format' -l 'format' -d 'Output format: markdown, text or json.' -rfka 'markdown text json'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot extract" password' -l 'password' -d 'The password of an encrypted PDF.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot extract" max-bytes' -l 'max-bytes' -d 'Refuse inputs larger than this many bytes.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot extract" filename' -l 'filename' -d 'The name of stdin input, for errors and format hints.' -rfka ''
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot extract" version' -l 'version' -d 'Show the version.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot extract" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatbot' -n '__chatbot_should_offer_completions_for_flags_or_options "chatbot help" version' -l 'version' -d 'Show the version.'
