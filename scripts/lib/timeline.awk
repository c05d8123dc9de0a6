# scripts/lib/timeline.awk - the timeline of scripts/capture, from its
# events file (tab-separated: kind, time called, time returned, who, text,
# the call as made), in two passes: find the calls that other events fell
# inside, then print every event with a sort key (time, then 0 for a
# call, 1 for a packet, 2 for a result) in front. A line too long for 79
# columns goes on after a \001, which the caller makes a newline after
# sorting.
#
#   awk -F '\t' -f scripts/lib/timeline.awk EVENTS | sort -t TAB -k1,1n -k2,2n

# wrap(s, room, col): s in lines of at most room characters, broken
# after a space where there is one in the second half (the space ends
# the line, so the pieces put together are s again); each later line
# (after a \001, made a newline once the lines are sorted) starts at
# column col + 2 and holds 2 fewer. Nothing is cut off, and every line
# stays within 79 columns.
function wrap(s, room, col,    out, cut, pad, later) {
    pad = sprintf("%" (col + 2) "s", "")
    out = ""
    later = 0
    while (length(s) > room) {
        cut = room
        while (cut > room / 2 && substr(s, cut, 1) != " ")
            cut--
        if (cut <= room / 2)
            cut = room
        out = out substr(s, 1, cut) "\001" pad
        s = substr(s, cut + 1)
        if (!later++)
            room -= 2
    }
    return out s
}
{
    kind[NR] = $1; t0[NR] = $2; t1[NR] = $3; who[NR] = $4; text[NR] = $5
    made[NR] = $6
}
END {
    base = ""
    for (i = 1; i <= NR; i++)
        if (base == "" || t0[i] + 0 < base + 0) base = t0[i]
    for (i = 1; i <= NR; i++) {
        split_call = 0
        if (kind[i] == "call")
            for (j = 1; j <= NR; j++)
                if (j != i && t0[j] + 0 > t0[i] + 0 && \
                    t0[j] + 0 < t1[i] + 0)
                    split_call = 1
        ms = (t0[i] - base) * 1000
        if (kind[i] == "packet") {
            printf "%s\t1\t%9.3f  %-8s    %s\n", t0[i], ms, "", \
                wrap(text[i], 56, 23)
        } else if (!split_call) {
            printf "%s\t0\t%9.3f  %-8s  %s\n", t0[i], ms, who[i], \
                wrap(text[i], 58, 21)
        } else {
            call = text[i]; ret = ""
            if (match(call, / = -?[0-9]+( .*)?$/)) {
                ret = substr(call, RSTART + 3)
                call = substr(call, 1, RSTART - 1)
            }
            name = call; sub(/\(.*/, "", name)
            if (made[i] != "")
                call = made[i] # as made: no result in it yet
            printf "%s\t0\t%9.3f  %-8s  %s called\n", t0[i], ms, \
                who[i], wrap(call, 51, 21)
            printf "%s\t2\t%9.3f  %-8s  %s\n", t1[i], \
                (t1[i] - base) * 1000, who[i], \
                wrap(name " returned " ret, 58, 21)
        }
    }
}
