# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_rsrc_global_optspecs
    string join \n socket= o/output= json q/quiet debug h/help V/version
end

function __fish_rsrc_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_rsrc_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_rsrc_using_subcommand
    set -l cmd (__fish_rsrc_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c rsrc -n "__fish_rsrc_needs_command" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_needs_command" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_needs_command" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_needs_command" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_needs_command" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_needs_command" -s V -l version -d 'Print version'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "signup" -d 'Create an account (then log in and verify your email)'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "login" -d 'Log in and remember the session for this daemon'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "logout" -d 'End the session with this daemon and forget its token'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "whoami" -d 'Show who you are logged in as'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "profile" -d 'Show, change or delete your account'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "password" -d 'Change your password'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "otp" -d 'Verify your email address with a one-time code'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "phone" -d 'Verify the phone number that gets alerts by SMS'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "auth" -d 'Session tokens for scripts'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "admin" -d 'Administer users and the host (admins only)'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "machine" -d 'Machines: the services users may run (defining them is for admins)'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "machines" -d 'Machines: the services users may run (defining them is for admins)'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "comment" -d 'Change or remove a comment on a machine (post with `machine comment`)'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "instance" -d 'Instances: your running copies of a machine'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "instances" -d 'Instances: your running copies of a machine'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "ps" -d 'List your instances (short for `instance ls`)'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "logs" -d 'Show an instance\'s output (stdout and stderr), and follow it with -f'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "events" -d 'Show what happened to your instances, and with -f what happens next'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "volume" -d 'Volumes kept from your instances'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "volumes" -d 'Volumes kept from your instances'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "status" -d 'Show the daemon, who is logged in, Docker\'s state and your quota use'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "version" -d 'Show the versions of rsrc, rsrcd, its API and Docker'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "completion" -d 'Print the shell completion script for bash, zsh or fish'
complete -c rsrc -n "__fish_rsrc_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand signup" -l email -d 'Your email address; it is also your login name (case-insensitive)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand signup" -l name -d 'Your display name' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand signup" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand signup" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand signup" -l password-stdin -d 'Read the password from the first line of standard input instead of prompting'
complete -c rsrc -n "__fish_rsrc_using_subcommand signup" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand signup" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand signup" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand signup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand login" -l email -d 'The account\'s email address' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand login" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand login" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand login" -l password-stdin -d 'Read the password from the first line of standard input instead of prompting'
complete -c rsrc -n "__fish_rsrc_using_subcommand login" -l code -d 'Log in without the password: mail a 6-digit code to the address, then read it (a prompt on a terminal, else the first line of standard input). Works while wrong passwords throttle password logins; the code is valid 10 minutes, for your user only'
complete -c rsrc -n "__fish_rsrc_using_subcommand login" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand login" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand login" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand logout" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand logout" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand logout" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand logout" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand logout" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand whoami" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand whoami" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand whoami" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand whoami" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand whoami" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand whoami" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and not __fish_seen_subcommand_from show update delete help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and not __fish_seen_subcommand_from show update delete help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and not __fish_seen_subcommand_from show update delete help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and not __fish_seen_subcommand_from show update delete help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and not __fish_seen_subcommand_from show update delete help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and not __fish_seen_subcommand_from show update delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and not __fish_seen_subcommand_from show update delete help" -f -a "show" -d 'Show your account: email, name, role, verification and notification settings'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and not __fish_seen_subcommand_from show update delete help" -f -a "update" -d 'Change your display name or notification preferences'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and not __fish_seen_subcommand_from show update delete help" -f -a "delete" -d 'Delete your account for good'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and not __fish_seen_subcommand_from show update delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from show" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from show" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from show" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from show" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from update" -l name -d 'A new display name' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from update" -l notify-email -d 'Whether to get an email when one of your instances goes down unexpectedly' -r -f -a "on\t''
off\t''"
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from update" -l notify-sms -d 'Whether to get an SMS when one of your instances goes down unexpectedly (needs a verified phone, see --phone)' -r -f -a "on\t''
off\t''"
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from update" -l notify-feedback -d 'Whether to get an email of each comment and feedback on a machine (admins only)' -r -f -a "on\t''
off\t''"
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from update" -l phone -d 'Your phone number for alerts by SMS, in E.164 (e.g. +41791234567), or `none` to clear it. A code is sent to it by SMS; prove it with `rsrc phone verify CODE`' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from update" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from update" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from update" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from update" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from delete" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from delete" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from delete" -l password-stdin -d 'Read the password from the first line of standard input instead of prompting'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (needed when standard input is not a terminal)'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from delete" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from delete" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show your account: email, name, role, verification and notification settings'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change your display name or notification preferences'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete your account for good'
complete -c rsrc -n "__fish_rsrc_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and not __fish_seen_subcommand_from change help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and not __fish_seen_subcommand_from change help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and not __fish_seen_subcommand_from change help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and not __fish_seen_subcommand_from change help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and not __fish_seen_subcommand_from change help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and not __fish_seen_subcommand_from change help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and not __fish_seen_subcommand_from change help" -f -a "change" -d 'Change your password (asks for the current one, then the new one twice)'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and not __fish_seen_subcommand_from change help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and __fish_seen_subcommand_from change" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and __fish_seen_subcommand_from change" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and __fish_seen_subcommand_from change" -l password-stdin -d 'Read two lines from standard input: the current password, then the new one'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and __fish_seen_subcommand_from change" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and __fish_seen_subcommand_from change" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and __fish_seen_subcommand_from change" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and __fish_seen_subcommand_from change" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and __fish_seen_subcommand_from help" -f -a "change" -d 'Change your password (asks for the current one, then the new one twice)'
complete -c rsrc -n "__fish_rsrc_using_subcommand password; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and not __fish_seen_subcommand_from send verify help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and not __fish_seen_subcommand_from send verify help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and not __fish_seen_subcommand_from send verify help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and not __fish_seen_subcommand_from send verify help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and not __fish_seen_subcommand_from send verify help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and not __fish_seen_subcommand_from send verify help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and not __fish_seen_subcommand_from send verify help" -f -a "send" -d 'Mail a 6-digit verification code to your address (valid 10 minutes)'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and not __fish_seen_subcommand_from send verify help" -f -a "verify" -d 'Verify your email address with the code you received'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and not __fish_seen_subcommand_from send verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from send" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from send" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from send" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from send" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from send" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from verify" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from verify" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from verify" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from verify" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from help" -f -a "send" -d 'Mail a 6-digit verification code to your address (valid 10 minutes)'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Verify your email address with the code you received'
complete -c rsrc -n "__fish_rsrc_using_subcommand otp; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and not __fish_seen_subcommand_from verify help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and not __fish_seen_subcommand_from verify help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and not __fish_seen_subcommand_from verify help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and not __fish_seen_subcommand_from verify help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and not __fish_seen_subcommand_from verify help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and not __fish_seen_subcommand_from verify help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and not __fish_seen_subcommand_from verify help" -f -a "verify" -d 'Verify your phone number with the code it got by SMS'
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and not __fish_seen_subcommand_from verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and __fish_seen_subcommand_from verify" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and __fish_seen_subcommand_from verify" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and __fish_seen_subcommand_from verify" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and __fish_seen_subcommand_from verify" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Verify your phone number with the code it got by SMS'
complete -c rsrc -n "__fish_rsrc_using_subcommand phone; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and not __fish_seen_subcommand_from token help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and not __fish_seen_subcommand_from token help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and not __fish_seen_subcommand_from token help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and not __fish_seen_subcommand_from token help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and not __fish_seen_subcommand_from token help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and not __fish_seen_subcommand_from token help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and not __fish_seen_subcommand_from token help" -f -a "token" -d 'Print the session token in use (RSRC_TOKEN, or the stored login), for scripts'
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and not __fish_seen_subcommand_from token help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and __fish_seen_subcommand_from token" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and __fish_seen_subcommand_from token" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and __fish_seen_subcommand_from token" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and __fish_seen_subcommand_from token" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and __fish_seen_subcommand_from token" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and __fish_seen_subcommand_from token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "token" -d 'Print the session token in use (RSRC_TOKEN, or the stored login), for scripts'
complete -c rsrc -n "__fish_rsrc_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and not __fish_seen_subcommand_from users orphans help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and not __fish_seen_subcommand_from users orphans help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and not __fish_seen_subcommand_from users orphans help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and not __fish_seen_subcommand_from users orphans help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and not __fish_seen_subcommand_from users orphans help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and not __fish_seen_subcommand_from users orphans help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and not __fish_seen_subcommand_from users orphans help" -f -a "users" -d 'Manage accounts (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and not __fish_seen_subcommand_from users orphans help" -f -a "orphans" -d 'List containers that carry rsrc\'s labels but have no instance in the registry'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and not __fish_seen_subcommand_from users orphans help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -f -a "ls" -d 'List all accounts'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -f -a "list" -d 'List all accounts'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -f -a "promote" -d 'Make a user an admin'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -f -a "demote" -d 'Make an admin a plain user again'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -f -a "disable" -d 'Lock an account out: its sessions end and it cannot log in'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -f -a "enable" -d 'Let a disabled account log in again'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from users" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from orphans" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from orphans" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from orphans" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from orphans" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from orphans" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from orphans" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "users" -d 'Manage accounts (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "orphans" -d 'List containers that carry rsrc\'s labels but have no instance in the registry'
complete -c rsrc -n "__fish_rsrc_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "create" -d 'Define a machine from flags (admins only); pulls its image first'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "apply" -d 'Create or update machines from a TOML file (admins only; idempotent)'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "ls" -d 'List the machines, with their likes, ratings and comments'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "list" -d 'List the machines, with their likes, ratings and comments'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "show" -d 'Show one machine: ports, props, limits, likes and rating'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "update" -d 'Change a machine (admins only); only the given settings change'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "rm" -d 'Remove machines (admins only); refused while instances exist, unless --force'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "remove" -d 'Remove machines (admins only); refused while instances exist, unless --force'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "comment" -d 'Comment on a machine (verified users); TEXT `-` reads it from standard input'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "comments" -d 'List a machine\'s comments, oldest first, a page at a time'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "like" -d 'Like a machine (verified users); replaces a dislike'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "dislike" -d 'Dislike a machine (verified users); replaces a like'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "unlike" -d 'Withdraw your like or dislike'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "rate" -d 'Rate a machine 1 to 5 (verified users), with optional feedback for the admins'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "unrate" -d 'Withdraw your rating and its feedback'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "feedback" -d 'List the ratings and feedback on a machine: an admin sees all, a user their own'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l image -d 'The Docker image, e.g. redis:7' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l port -d 'A container port to expose, PORT or PORT/udp (repeatable; at least one)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l prop -d 'An environment variable users may set, with an optional default (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l required-prop -d 'An environment variable users must set (repeatable). Combine with --secret-prop KEY for a required secret' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l secret-prop -d 'An environment variable whose value is never shown back (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l volume -d 'A container path to keep in a named volume (repeatable), e.g. /data' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l memory -d 'Memory limit, e.g. 256m or 1g' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l cpus -d 'CPU limit in cores, e.g. 0.5 (at least 0.01, at most the host\'s CPUs)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l allow-empty -d 'Let a prop be set to an empty value (repeatable); without it an empty value of a required prop is refused' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l pids -d 'Limit on the number of processes in the container' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l max-per-user -d 'How many instances of it one user may have' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l description -d 'A one-line description shown in `machine ls`' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l command -d 'The container\'s command, split into arguments as a POSIX shell would split it (quotes and backslashes work), but no shell runs: `--command \'sh -c "echo a; echo b"\'`' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l connect -d 'How users connect, rendered per instance as its url (e.g. \'redis://{host}:{port}\'). Placeholders: {host}, {port} (the first port\'s host port), {port:N} (the host port of container port N), {name}, {id}, and {env.PROP} for a prop that is not secret' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l restart -d 'What Docker does when the container exits [default for new machines: unless-stopped]' -r -f -a "no\t'Never restart the container'
on-failure\t'Restart when it exits with a non-zero code'
unless-stopped\t'Restart unless it was stopped on purpose'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l inactive -d 'Create it switched off: users cannot create instances until `machine update --active`'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from apply" -s f -l file -d 'The TOML file with [[machine]] tables; `-` reads standard input' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from apply" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from apply" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from apply" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from apply" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from ls" -l sort -d 'Order of the list' -r -f -a "name\t''
rating\t'Best mean rating first; unrated machines last'
likes\t'Most likes first'
instances\t'Most instances first'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from ls" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from ls" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from ls" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from ls" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from list" -l sort -d 'Order of the list' -r -f -a "name\t''
rating\t'Best mean rating first; unrated machines last'
likes\t'Most likes first'
instances\t'Most instances first'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from list" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from list" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from list" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from list" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from show" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from show" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from show" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from show" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l image -d 'A new Docker image (pulled first)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l port -d 'Replace the ports: PORT or PORT/udp (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l prop -d 'An environment variable users may set, with an optional default (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l required-prop -d 'An environment variable users must set (repeatable). Combine with --secret-prop KEY for a required secret' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l secret-prop -d 'An environment variable whose value is never shown back (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l volume -d 'A container path to keep in a named volume (repeatable), e.g. /data' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l memory -d 'Memory limit, e.g. 256m or 1g' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l cpus -d 'CPU limit in cores, e.g. 0.5 (at least 0.01, at most the host\'s CPUs)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l allow-empty -d 'Let a prop be set to an empty value (repeatable); without it an empty value of a required prop is refused' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l pids -d 'Limit on the number of processes in the container' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l max-per-user -d 'How many instances of it one user may have' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l description -d 'A one-line description shown in `machine ls`' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l command -d 'The container\'s command, split into arguments as a POSIX shell would split it (quotes and backslashes work), but no shell runs: `--command \'sh -c "echo a; echo b"\'`' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l connect -d 'How users connect, rendered per instance as its url (e.g. \'redis://{host}:{port}\'). Placeholders: {host}, {port} (the first port\'s host port), {port:N} (the host port of container port N), {name}, {id}, and {env.PROP} for a prop that is not secret' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l restart -d 'What Docker does when the container exits [default for new machines: unless-stopped]' -r -f -a "no\t'Never restart the container'
on-failure\t'Restart when it exits with a non-zero code'
unless-stopped\t'Restart unless it was stopped on purpose'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l active -d 'Let users create instances of it again'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l inactive -d 'Stop users from creating new instances of it (existing ones stay)'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rm" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rm" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rm" -l force -d 'Remove the machine even though instances of it exist'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rm" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rm" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from remove" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from remove" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from remove" -l force -d 'Remove the machine even though instances of it exist'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from remove" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from remove" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comment" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comment" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comment" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comment" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comment" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comment" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comments" -l limit -d 'How many comments to show (1 to 500) [default: 50]' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comments" -l before -d 'Only comments older than this id' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comments" -l after -d 'Only comments newer than this id' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comments" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comments" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comments" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comments" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comments" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from comments" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from like" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from like" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from like" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from like" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from like" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from like" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from dislike" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from dislike" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from dislike" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from dislike" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from dislike" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from dislike" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from unlike" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from unlike" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from unlike" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from unlike" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from unlike" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from unlike" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rate" -l feedback -d 'Feedback text (the same rules as a comment); `-` reads it from standard input' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rate" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rate" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rate" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rate" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rate" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from rate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from unrate" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from unrate" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from unrate" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from unrate" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from unrate" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from unrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from feedback" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from feedback" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from feedback" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from feedback" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from feedback" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from feedback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "create" -d 'Define a machine from flags (admins only); pulls its image first'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Create or update machines from a TOML file (admins only; idempotent)'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List the machines, with their likes, ratings and comments'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one machine: ports, props, limits, likes and rating'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a machine (admins only); only the given settings change'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove machines (admins only); refused while instances exist, unless --force'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "comment" -d 'Comment on a machine (verified users); TEXT `-` reads it from standard input'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "comments" -d 'List a machine\'s comments, oldest first, a page at a time'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "like" -d 'Like a machine (verified users); replaces a dislike'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "dislike" -d 'Dislike a machine (verified users); replaces a like'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "unlike" -d 'Withdraw your like or dislike'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "rate" -d 'Rate a machine 1 to 5 (verified users), with optional feedback for the admins'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "unrate" -d 'Withdraw your rating and its feedback'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "feedback" -d 'List the ratings and feedback on a machine: an admin sees all, a user their own'
complete -c rsrc -n "__fish_rsrc_using_subcommand machine; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "create" -d 'Define a machine from flags (admins only); pulls its image first'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "apply" -d 'Create or update machines from a TOML file (admins only; idempotent)'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "ls" -d 'List the machines, with their likes, ratings and comments'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "list" -d 'List the machines, with their likes, ratings and comments'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "show" -d 'Show one machine: ports, props, limits, likes and rating'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "update" -d 'Change a machine (admins only); only the given settings change'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "rm" -d 'Remove machines (admins only); refused while instances exist, unless --force'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "remove" -d 'Remove machines (admins only); refused while instances exist, unless --force'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "comment" -d 'Comment on a machine (verified users); TEXT `-` reads it from standard input'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "comments" -d 'List a machine\'s comments, oldest first, a page at a time'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "like" -d 'Like a machine (verified users); replaces a dislike'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "dislike" -d 'Dislike a machine (verified users); replaces a like'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "unlike" -d 'Withdraw your like or dislike'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "rate" -d 'Rate a machine 1 to 5 (verified users), with optional feedback for the admins'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "unrate" -d 'Withdraw your rating and its feedback'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "feedback" -d 'List the ratings and feedback on a machine: an admin sees all, a user their own'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and not __fish_seen_subcommand_from create apply ls list show update rm remove comment comments like dislike unlike rate unrate feedback help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l image -d 'The Docker image, e.g. redis:7' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l port -d 'A container port to expose, PORT or PORT/udp (repeatable; at least one)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l prop -d 'An environment variable users may set, with an optional default (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l required-prop -d 'An environment variable users must set (repeatable). Combine with --secret-prop KEY for a required secret' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l secret-prop -d 'An environment variable whose value is never shown back (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l volume -d 'A container path to keep in a named volume (repeatable), e.g. /data' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l memory -d 'Memory limit, e.g. 256m or 1g' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l cpus -d 'CPU limit in cores, e.g. 0.5 (at least 0.01, at most the host\'s CPUs)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l allow-empty -d 'Let a prop be set to an empty value (repeatable); without it an empty value of a required prop is refused' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l pids -d 'Limit on the number of processes in the container' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l max-per-user -d 'How many instances of it one user may have' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l description -d 'A one-line description shown in `machine ls`' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l command -d 'The container\'s command, split into arguments as a POSIX shell would split it (quotes and backslashes work), but no shell runs: `--command \'sh -c "echo a; echo b"\'`' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l connect -d 'How users connect, rendered per instance as its url (e.g. \'redis://{host}:{port}\'). Placeholders: {host}, {port} (the first port\'s host port), {port:N} (the host port of container port N), {name}, {id}, and {env.PROP} for a prop that is not secret' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l restart -d 'What Docker does when the container exits [default for new machines: unless-stopped]' -r -f -a "no\t'Never restart the container'
on-failure\t'Restart when it exits with a non-zero code'
unless-stopped\t'Restart unless it was stopped on purpose'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l inactive -d 'Create it switched off: users cannot create instances until `machine update --active`'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from apply" -s f -l file -d 'The TOML file with [[machine]] tables; `-` reads standard input' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from apply" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from apply" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from apply" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from apply" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from ls" -l sort -d 'Order of the list' -r -f -a "name\t''
rating\t'Best mean rating first; unrated machines last'
likes\t'Most likes first'
instances\t'Most instances first'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from ls" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from ls" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from ls" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from ls" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from list" -l sort -d 'Order of the list' -r -f -a "name\t''
rating\t'Best mean rating first; unrated machines last'
likes\t'Most likes first'
instances\t'Most instances first'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from list" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from list" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from list" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from list" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from show" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from show" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from show" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from show" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l image -d 'A new Docker image (pulled first)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l port -d 'Replace the ports: PORT or PORT/udp (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l prop -d 'An environment variable users may set, with an optional default (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l required-prop -d 'An environment variable users must set (repeatable). Combine with --secret-prop KEY for a required secret' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l secret-prop -d 'An environment variable whose value is never shown back (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l volume -d 'A container path to keep in a named volume (repeatable), e.g. /data' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l memory -d 'Memory limit, e.g. 256m or 1g' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l cpus -d 'CPU limit in cores, e.g. 0.5 (at least 0.01, at most the host\'s CPUs)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l allow-empty -d 'Let a prop be set to an empty value (repeatable); without it an empty value of a required prop is refused' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l pids -d 'Limit on the number of processes in the container' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l max-per-user -d 'How many instances of it one user may have' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l description -d 'A one-line description shown in `machine ls`' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l command -d 'The container\'s command, split into arguments as a POSIX shell would split it (quotes and backslashes work), but no shell runs: `--command \'sh -c "echo a; echo b"\'`' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l connect -d 'How users connect, rendered per instance as its url (e.g. \'redis://{host}:{port}\'). Placeholders: {host}, {port} (the first port\'s host port), {port:N} (the host port of container port N), {name}, {id}, and {env.PROP} for a prop that is not secret' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l restart -d 'What Docker does when the container exits [default for new machines: unless-stopped]' -r -f -a "no\t'Never restart the container'
on-failure\t'Restart when it exits with a non-zero code'
unless-stopped\t'Restart unless it was stopped on purpose'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l active -d 'Let users create instances of it again'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l inactive -d 'Stop users from creating new instances of it (existing ones stay)'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rm" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rm" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rm" -l force -d 'Remove the machine even though instances of it exist'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rm" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rm" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from remove" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from remove" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from remove" -l force -d 'Remove the machine even though instances of it exist'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from remove" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from remove" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comment" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comment" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comment" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comment" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comment" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comment" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comments" -l limit -d 'How many comments to show (1 to 500) [default: 50]' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comments" -l before -d 'Only comments older than this id' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comments" -l after -d 'Only comments newer than this id' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comments" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comments" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comments" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comments" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comments" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from comments" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from like" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from like" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from like" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from like" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from like" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from like" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from dislike" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from dislike" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from dislike" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from dislike" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from dislike" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from dislike" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from unlike" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from unlike" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from unlike" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from unlike" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from unlike" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from unlike" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rate" -l feedback -d 'Feedback text (the same rules as a comment); `-` reads it from standard input' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rate" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rate" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rate" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rate" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rate" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from rate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from unrate" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from unrate" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from unrate" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from unrate" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from unrate" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from unrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from feedback" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from feedback" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from feedback" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from feedback" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from feedback" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from feedback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "create" -d 'Define a machine from flags (admins only); pulls its image first'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Create or update machines from a TOML file (admins only; idempotent)'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List the machines, with their likes, ratings and comments'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one machine: ports, props, limits, likes and rating'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "update" -d 'Change a machine (admins only); only the given settings change'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove machines (admins only); refused while instances exist, unless --force'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "comment" -d 'Comment on a machine (verified users); TEXT `-` reads it from standard input'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "comments" -d 'List a machine\'s comments, oldest first, a page at a time'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "like" -d 'Like a machine (verified users); replaces a dislike'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "dislike" -d 'Dislike a machine (verified users); replaces a like'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "unlike" -d 'Withdraw your like or dislike'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "rate" -d 'Rate a machine 1 to 5 (verified users), with optional feedback for the admins'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "unrate" -d 'Withdraw your rating and its feedback'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "feedback" -d 'List the ratings and feedback on a machine: an admin sees all, a user their own'
complete -c rsrc -n "__fish_rsrc_using_subcommand machines; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and not __fish_seen_subcommand_from edit rm remove help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and not __fish_seen_subcommand_from edit rm remove help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and not __fish_seen_subcommand_from edit rm remove help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and not __fish_seen_subcommand_from edit rm remove help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and not __fish_seen_subcommand_from edit rm remove help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and not __fish_seen_subcommand_from edit rm remove help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and not __fish_seen_subcommand_from edit rm remove help" -f -a "edit" -d 'Change your comment\'s text; TEXT `-` reads it from standard input'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and not __fish_seen_subcommand_from edit rm remove help" -f -a "rm" -d 'Remove comments: your own, or anyone\'s as an admin'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and not __fish_seen_subcommand_from edit rm remove help" -f -a "remove" -d 'Remove comments: your own, or anyone\'s as an admin'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and not __fish_seen_subcommand_from edit rm remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from edit" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from edit" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from edit" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from edit" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from rm" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from rm" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from rm" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from rm" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from remove" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from remove" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from remove" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from remove" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change your comment\'s text; TEXT `-` reads it from standard input'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove comments: your own, or anyone\'s as an admin'
complete -c rsrc -n "__fish_rsrc_using_subcommand comment; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "create" -d 'Create an instance of a machine and print how to reach it'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "ls" -d 'List your instances (--all-users: everyone\'s, for admins)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "list" -d 'List your instances (--all-users: everyone\'s, for admins)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "show" -d 'Show one instance: status, ports, url, volumes, environment (secrets masked)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "uptime" -d 'Show an instance\'s up and down intervals, their causes and its availability'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "stop" -d 'Stop instances; their ports and volumes stay reserved'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "start" -d 'Start stopped instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "restart" -d 'Restart instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "rm" -d 'Remove instances; their volumes are kept unless --volumes'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "remove" -d 'Remove instances; their volumes are kept unless --volumes'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "recreate" -d 'Make an instance\'s container again from its machine\'s current definition'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from create" -l name -d 'A name for the instance, unique among yours [default: chosen by the daemon]' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from create" -s e -l env -d 'Set a prop of the machine (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from create" -l volume-from -d 'Attach a kept volume of yours (see `rsrc volume ls`) of the same machine instead of a new one, at PATH [default: the path it was made for] (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from create" -l timeout -d 'How long --wait waits, e.g. 90s, 2m or 1h (a bare number is seconds)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from create" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from create" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from create" -l wait -d 'Return only when the first port accepts connections; on timeout, fail with the instance\'s last log lines'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from create" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from create" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Only instances that match, KEY=VALUE with KEY status, machine or name (repeatable; values of one key are alternatives, different keys must all match)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from ls" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from ls" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from ls" -s a -l all -d 'Stopped instances too, as with `docker ps -a`; rsrc always lists them, so this is accepted and changes nothing'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from ls" -l all-users -d 'List the instances of all users, with their owners (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from ls" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from ls" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from list" -s f -l filter -d 'Only instances that match, KEY=VALUE with KEY status, machine or name (repeatable; values of one key are alternatives, different keys must all match)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from list" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from list" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from list" -s a -l all -d 'Stopped instances too, as with `docker ps -a`; rsrc always lists them, so this is accepted and changes nothing'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from list" -l all-users -d 'List the instances of all users, with their owners (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from list" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from list" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from show" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from show" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from show" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from show" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from uptime" -l since -d 'Where the report starts: a duration back from now (default 7d) or an RFC 3339 time' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from uptime" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from uptime" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from uptime" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from uptime" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from uptime" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from uptime" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from stop" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from stop" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from stop" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from stop" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from stop" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from start" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from start" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from start" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from start" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from start" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from restart" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from restart" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from restart" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from restart" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from restart" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from rm" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from rm" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from rm" -l volumes -d 'Remove the instances\' volumes too (their data is gone for good)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from rm" -s f -l force -d 'Admins: remove them even while Docker is away or refuses. rsrcd removes what Docker still holds (the container, and the volumes with --volumes) once it can'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from rm" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from rm" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from remove" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l volumes -d 'Remove the instances\' volumes too (their data is gone for good)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from remove" -s f -l force -d 'Admins: remove them even while Docker is away or refuses. rsrcd removes what Docker still holds (the container, and the volumes with --volumes) once it can'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from remove" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from recreate" -s e -l env -d 'Set a prop (repeatable); needed for secret props of a lost instance, whose values went with its container' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from recreate" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from recreate" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from recreate" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from recreate" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from recreate" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from recreate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an instance of a machine and print how to reach it'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List your instances (--all-users: everyone\'s, for admins)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one instance: status, ports, url, volumes, environment (secrets masked)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "uptime" -d 'Show an instance\'s up and down intervals, their causes and its availability'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop instances; their ports and volumes stay reserved'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start stopped instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Restart instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove instances; their volumes are kept unless --volumes'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "recreate" -d 'Make an instance\'s container again from its machine\'s current definition'
complete -c rsrc -n "__fish_rsrc_using_subcommand instance; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "create" -d 'Create an instance of a machine and print how to reach it'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "ls" -d 'List your instances (--all-users: everyone\'s, for admins)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "list" -d 'List your instances (--all-users: everyone\'s, for admins)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "show" -d 'Show one instance: status, ports, url, volumes, environment (secrets masked)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "uptime" -d 'Show an instance\'s up and down intervals, their causes and its availability'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "stop" -d 'Stop instances; their ports and volumes stay reserved'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "start" -d 'Start stopped instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "restart" -d 'Restart instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "rm" -d 'Remove instances; their volumes are kept unless --volumes'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "remove" -d 'Remove instances; their volumes are kept unless --volumes'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "recreate" -d 'Make an instance\'s container again from its machine\'s current definition'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and not __fish_seen_subcommand_from create ls list show uptime stop start restart rm remove recreate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from create" -l name -d 'A name for the instance, unique among yours [default: chosen by the daemon]' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from create" -s e -l env -d 'Set a prop of the machine (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from create" -l volume-from -d 'Attach a kept volume of yours (see `rsrc volume ls`) of the same machine instead of a new one, at PATH [default: the path it was made for] (repeatable)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from create" -l timeout -d 'How long --wait waits, e.g. 90s, 2m or 1h (a bare number is seconds)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from create" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from create" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from create" -l wait -d 'Return only when the first port accepts connections; on timeout, fail with the instance\'s last log lines'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from create" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from create" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Only instances that match, KEY=VALUE with KEY status, machine or name (repeatable; values of one key are alternatives, different keys must all match)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from ls" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from ls" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from ls" -s a -l all -d 'Stopped instances too, as with `docker ps -a`; rsrc always lists them, so this is accepted and changes nothing'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from ls" -l all-users -d 'List the instances of all users, with their owners (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from ls" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from ls" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from list" -s f -l filter -d 'Only instances that match, KEY=VALUE with KEY status, machine or name (repeatable; values of one key are alternatives, different keys must all match)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from list" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from list" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from list" -s a -l all -d 'Stopped instances too, as with `docker ps -a`; rsrc always lists them, so this is accepted and changes nothing'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from list" -l all-users -d 'List the instances of all users, with their owners (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from list" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from list" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from show" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from show" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from show" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from show" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from uptime" -l since -d 'Where the report starts: a duration back from now (default 7d) or an RFC 3339 time' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from uptime" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from uptime" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from uptime" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from uptime" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from uptime" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from uptime" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from stop" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from stop" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from stop" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from stop" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from stop" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from start" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from start" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from start" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from start" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from start" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from restart" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from restart" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from restart" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from restart" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from restart" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from rm" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from rm" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from rm" -l volumes -d 'Remove the instances\' volumes too (their data is gone for good)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from rm" -s f -l force -d 'Admins: remove them even while Docker is away or refuses. rsrcd removes what Docker still holds (the container, and the volumes with --volumes) once it can'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from rm" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from rm" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from remove" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from remove" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from remove" -l volumes -d 'Remove the instances\' volumes too (their data is gone for good)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from remove" -s f -l force -d 'Admins: remove them even while Docker is away or refuses. rsrcd removes what Docker still holds (the container, and the volumes with --volumes) once it can'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from remove" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from remove" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from recreate" -s e -l env -d 'Set a prop (repeatable); needed for secret props of a lost instance, whose values went with its container' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from recreate" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from recreate" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from recreate" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from recreate" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from recreate" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from recreate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an instance of a machine and print how to reach it'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List your instances (--all-users: everyone\'s, for admins)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one instance: status, ports, url, volumes, environment (secrets masked)'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from help" -f -a "uptime" -d 'Show an instance\'s up and down intervals, their causes and its availability'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop instances; their ports and volumes stay reserved'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start stopped instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from help" -f -a "restart" -d 'Restart instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove instances; their volumes are kept unless --volumes'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from help" -f -a "recreate" -d 'Make an instance\'s container again from its machine\'s current definition'
complete -c rsrc -n "__fish_rsrc_using_subcommand instances; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand ps" -s f -l filter -d 'Only instances that match, KEY=VALUE with KEY status, machine or name (repeatable; values of one key are alternatives, different keys must all match)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand ps" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand ps" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand ps" -s a -l all -d 'Stopped instances too, as with `docker ps -a`; rsrc always lists them, so this is accepted and changes nothing'
complete -c rsrc -n "__fish_rsrc_using_subcommand ps" -l all-users -d 'List the instances of all users, with their owners (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand ps" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand ps" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand ps" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand ps" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand logs" -s n -l tail -d 'How many lines from the end to show (default: all)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand logs" -l since -d 'Only lines from this time on: a duration before now (10m, 1h30m), an RFC 3339 time or Unix seconds' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand logs" -l until -d 'Only lines up to this time (same forms as --since)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand logs" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand logs" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand logs" -s f -l follow -d 'Keep printing new output, also across restarts of the instance and of rsrcd'
complete -c rsrc -n "__fish_rsrc_using_subcommand logs" -s t -l timestamps -d 'Show the time of each line, as `docker logs --timestamps` does'
complete -c rsrc -n "__fish_rsrc_using_subcommand logs" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand logs" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand logs" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand events" -l since -d 'Only events from this time on: a duration back from now (90m, 7d) or an RFC 3339 time' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand events" -l until -d 'Only events up to this time (same forms as --since); no following past it' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand events" -l instance -d 'Only this instance\'s events (id, unique id prefix or name; the id of a removed one)' -r
complete -c rsrc -n "__fish_rsrc_using_subcommand events" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand events" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand events" -s f -l follow -d 'Go on after the history up to now, printing each new event as it happens'
complete -c rsrc -n "__fish_rsrc_using_subcommand events" -l all-users -d 'Everyone\'s events (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand events" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand events" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand events" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand events" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and not __fish_seen_subcommand_from ls list rm remove help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and not __fish_seen_subcommand_from ls list rm remove help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and not __fish_seen_subcommand_from ls list rm remove help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and not __fish_seen_subcommand_from ls list rm remove help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and not __fish_seen_subcommand_from ls list rm remove help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and not __fish_seen_subcommand_from ls list rm remove help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and not __fish_seen_subcommand_from ls list rm remove help" -f -a "ls" -d 'List the volumes of your instances, also those of removed instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and not __fish_seen_subcommand_from ls list rm remove help" -f -a "list" -d 'List the volumes of your instances, also those of removed instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and not __fish_seen_subcommand_from ls list rm remove help" -f -a "rm" -d 'Remove volumes for good (admins: any user\'s); volumes of existing instances are refused'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and not __fish_seen_subcommand_from ls list rm remove help" -f -a "remove" -d 'Remove volumes for good (admins: any user\'s); volumes of existing instances are refused'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and not __fish_seen_subcommand_from ls list rm remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from ls" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from ls" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from ls" -l all-users -d 'List the volumes of all users, with their owners (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from ls" -s a -d 'Accepted for Docker habits: kept volumes are always listed'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from ls" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from ls" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from list" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from list" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from list" -l all-users -d 'List the volumes of all users, with their owners (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from list" -s a -d 'Accepted for Docker habits: kept volumes are always listed'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from list" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from list" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from rm" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from rm" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from rm" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from rm" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from remove" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from remove" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from remove" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from remove" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List the volumes of your instances, also those of removed instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove volumes for good (admins: any user\'s); volumes of existing instances are refused'
complete -c rsrc -n "__fish_rsrc_using_subcommand volume; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and not __fish_seen_subcommand_from ls list rm remove help" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and not __fish_seen_subcommand_from ls list rm remove help" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and not __fish_seen_subcommand_from ls list rm remove help" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and not __fish_seen_subcommand_from ls list rm remove help" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and not __fish_seen_subcommand_from ls list rm remove help" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and not __fish_seen_subcommand_from ls list rm remove help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and not __fish_seen_subcommand_from ls list rm remove help" -f -a "ls" -d 'List the volumes of your instances, also those of removed instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and not __fish_seen_subcommand_from ls list rm remove help" -f -a "list" -d 'List the volumes of your instances, also those of removed instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and not __fish_seen_subcommand_from ls list rm remove help" -f -a "rm" -d 'Remove volumes for good (admins: any user\'s); volumes of existing instances are refused'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and not __fish_seen_subcommand_from ls list rm remove help" -f -a "remove" -d 'Remove volumes for good (admins: any user\'s); volumes of existing instances are refused'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and not __fish_seen_subcommand_from ls list rm remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from ls" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from ls" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from ls" -l all-users -d 'List the volumes of all users, with their owners (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from ls" -s a -d 'Accepted for Docker habits: kept volumes are always listed'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from ls" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from ls" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from list" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from list" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from list" -l all-users -d 'List the volumes of all users, with their owners (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from list" -s a -d 'Accepted for Docker habits: kept volumes are always listed'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from list" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from list" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from rm" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from rm" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from rm" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from rm" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from remove" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from remove" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from remove" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from remove" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List the volumes of your instances, also those of removed instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove volumes for good (admins: any user\'s); volumes of existing instances are refused'
complete -c rsrc -n "__fish_rsrc_using_subcommand volumes; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand status" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand status" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand status" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand status" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand status" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand version" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand version" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand version" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand version" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand version" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand completion" -l socket -d 'The daemon\'s socket; also RSRC_SOCKET [default: $XDG_RUNTIME_DIR/rsrc/rsrcd.sock if it exists, else /run/rsrc/rsrcd.sock]' -r -F
complete -c rsrc -n "__fish_rsrc_using_subcommand completion" -s o -l output -d 'How to print data: table for people, json for scripts [default: table]. Given as `--output table`, stop/start/restart print a table instead of the names acted on' -r -f -a "table\t'Aligned columns for people'
json\t'Pretty-printed JSON of the API objects, for scripts'"
complete -c rsrc -n "__fish_rsrc_using_subcommand completion" -l json -d 'Short for --output json; together with --output table it is a usage error'
complete -c rsrc -n "__fish_rsrc_using_subcommand completion" -s q -l quiet -d 'Print only ids (instance ids, machine names, user emails, volume names); no progress. It wins over --json: scripts that ask for ids get ids'
complete -c rsrc -n "__fish_rsrc_using_subcommand completion" -l debug -d 'Print requests and the full form of errors on stderr'
complete -c rsrc -n "__fish_rsrc_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "signup" -d 'Create an account (then log in and verify your email)'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "login" -d 'Log in and remember the session for this daemon'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "logout" -d 'End the session with this daemon and forget its token'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "whoami" -d 'Show who you are logged in as'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "profile" -d 'Show, change or delete your account'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "password" -d 'Change your password'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "otp" -d 'Verify your email address with a one-time code'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "phone" -d 'Verify the phone number that gets alerts by SMS'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "auth" -d 'Session tokens for scripts'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "admin" -d 'Administer users and the host (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "machine" -d 'Machines: the services users may run (defining them is for admins)'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "comment" -d 'Change or remove a comment on a machine (post with `machine comment`)'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "instance" -d 'Instances: your running copies of a machine'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "ps" -d 'List your instances (short for `instance ls`)'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "logs" -d 'Show an instance\'s output (stdout and stderr), and follow it with -f'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "events" -d 'Show what happened to your instances, and with -f what happens next'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "volume" -d 'Volumes kept from your instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "status" -d 'Show the daemon, who is logged in, Docker\'s state and your quota use'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "version" -d 'Show the versions of rsrc, rsrcd, its API and Docker'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "completion" -d 'Print the shell completion script for bash, zsh or fish'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and not __fish_seen_subcommand_from signup login logout whoami profile password otp phone auth admin machine comment instance ps logs events volume status version completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "show" -d 'Show your account: email, name, role, verification and notification settings'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "update" -d 'Change your display name or notification preferences'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "delete" -d 'Delete your account for good'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from password" -f -a "change" -d 'Change your password (asks for the current one, then the new one twice)'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from otp" -f -a "send" -d 'Mail a 6-digit verification code to your address (valid 10 minutes)'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from otp" -f -a "verify" -d 'Verify your email address with the code you received'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from phone" -f -a "verify" -d 'Verify your phone number with the code it got by SMS'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "token" -d 'Print the session token in use (RSRC_TOKEN, or the stored login), for scripts'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "users" -d 'Manage accounts (admins only)'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "orphans" -d 'List containers that carry rsrc\'s labels but have no instance in the registry'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "create" -d 'Define a machine from flags (admins only); pulls its image first'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "apply" -d 'Create or update machines from a TOML file (admins only; idempotent)'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "ls" -d 'List the machines, with their likes, ratings and comments'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "show" -d 'Show one machine: ports, props, limits, likes and rating'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "update" -d 'Change a machine (admins only); only the given settings change'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "rm" -d 'Remove machines (admins only); refused while instances exist, unless --force'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "comment" -d 'Comment on a machine (verified users); TEXT `-` reads it from standard input'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "comments" -d 'List a machine\'s comments, oldest first, a page at a time'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "like" -d 'Like a machine (verified users); replaces a dislike'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "dislike" -d 'Dislike a machine (verified users); replaces a like'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "unlike" -d 'Withdraw your like or dislike'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "rate" -d 'Rate a machine 1 to 5 (verified users), with optional feedback for the admins'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "unrate" -d 'Withdraw your rating and its feedback'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from machine" -f -a "feedback" -d 'List the ratings and feedback on a machine: an admin sees all, a user their own'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from comment" -f -a "edit" -d 'Change your comment\'s text; TEXT `-` reads it from standard input'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from comment" -f -a "rm" -d 'Remove comments: your own, or anyone\'s as an admin'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from instance" -f -a "create" -d 'Create an instance of a machine and print how to reach it'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from instance" -f -a "ls" -d 'List your instances (--all-users: everyone\'s, for admins)'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from instance" -f -a "show" -d 'Show one instance: status, ports, url, volumes, environment (secrets masked)'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from instance" -f -a "uptime" -d 'Show an instance\'s up and down intervals, their causes and its availability'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from instance" -f -a "stop" -d 'Stop instances; their ports and volumes stay reserved'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from instance" -f -a "start" -d 'Start stopped instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from instance" -f -a "restart" -d 'Restart instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from instance" -f -a "rm" -d 'Remove instances; their volumes are kept unless --volumes'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from instance" -f -a "recreate" -d 'Make an instance\'s container again from its machine\'s current definition'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "ls" -d 'List the volumes of your instances, also those of removed instances'
complete -c rsrc -n "__fish_rsrc_using_subcommand help; and __fish_seen_subcommand_from volume" -f -a "rm" -d 'Remove volumes for good (admins: any user\'s); volumes of existing instances are refused'
