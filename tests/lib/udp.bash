# What 08-udp-receiver.bats and 09-udp-sender.bats share: reading the
# narration of a call wrapped over lines, and the sender's port. Loaded by
# test_helper.bash.

# unwrap FILE: the lesson's output with each call line whole again (the
# narrator wraps a long one, its continuation indented by 4).
unwrap() {
    awk '
        /^[a-z_0-9]+\(/ { if (call != "") print call; call = $0; next }
        call != "" && /^    / && call !~ /\) = -?[0-9]+/ {
            sub(/^ +/, ""); call = call " " $0; next
        }
        { if (call != "") { print call; call = "" } print }
        END { if (call != "") print call }
    ' "$1"
}

# sender_port: SPORT, the port that 09-udp-sender's "sent N datagrams from
# 0.0.0.0:PORT" line in $output names; fails if there is none.
sender_port() {
    # shellcheck disable=SC2154 # output: set by bats' run
    SPORT=$(sed -nE 's/^sent [0-9]+ datagrams? from 0\.0\.0\.0:([0-9]+)$/\1/p' \
        <<<"$output")
    [ "$SPORT" -gt 0 ]
}
