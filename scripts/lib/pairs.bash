# scripts/lib/pairs.bash - the lesson pairs: which client goes with which
# server, over which protocol, on which default port. Sourced by
# scripts/demo and scripts/capture, which run a pair by its number.
#
# SS_PAIRS: the table, one pair a line:
#   NUMBER SERVER CLIENT PROTO PORT [OTHER NAMES...]
# NUMBER is what the tools take (04); SERVER and CLIENT are the programs
# (build/NAME); PORT is the one both lessons use by default; a pair is
# also found by SERVER, CLIENT or any OTHER NAME.
SS_PAIRS=(
    "04 04-accept 05-connect tcp 8888 4 05 5"
    "06 06-send-recv-server 06-send-recv-client tcp 8888 6 06-send-recv"
    "08 08-udp-receiver 09-udp-sender udp 9999 8 09 9"
)

# ss_pair LESSON: the pair that LESSON names (its number, one of its
# programs, or another of its names): sets PAIR (its number), PAIR_SERVER,
# PAIR_CLIENT, PAIR_PROTO (tcp or udp) and PAIR_PORT. Fails if no pair has
# that name.
ss_pair() {
    local row name fields
    for row in "${SS_PAIRS[@]}"; do
        read -r -a fields <<<"$row"
        for name in "${fields[@]:0:3}" "${fields[@]:5}"; do
            if [[ "$1" == "$name" ]]; then
                PAIR=${fields[0]} PAIR_SERVER=${fields[1]}
                PAIR_CLIENT=${fields[2]} PAIR_PROTO=${fields[3]}
                PAIR_PORT=${fields[4]}
                return 0
            fi
        done
    done
    return 1
}

# ss_pair_numbers: the pairs' numbers, as a list in prose: "04, 06, 08".
ss_pair_numbers() {
    local row out=""
    for row in "${SS_PAIRS[@]}"; do
        out+="${out:+, }${row%% *}"
    done
    printf '%s\n' "$out"
}

# ss_pair_list: one line a pair, "04  04-accept with 05-connect, TCP port
# 8888".
ss_pair_list() {
    local row f
    for row in "${SS_PAIRS[@]}"; do
        read -r -a f <<<"$row"
        printf '%s  %s with %s, %s port %s\n' "${f[0]}" "${f[1]}" "${f[2]}" \
            "${f[3]^^}" "${f[4]}"
    done
}
