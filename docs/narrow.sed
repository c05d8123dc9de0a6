# narrow.sed - the narrow rendering of a diagram (docs/*.dot), for
# a phone: bigger type, the two columns closer, long labels on two or
# three lines. mk/handout.mk makes build/handout/NAME-narrow.svg with it,
# and the HTML shows that one on a screen under 600 px wide
# (docs/filters/diagrams.lua), where the wide one's labels would be 5 px.
s/nodesep=[0-9.]*/nodesep=0.3/
s/ranksep=[0-9.]*/ranksep=0.45/
s/width=2\.4/width=1.2/
s/fontsize=1[0-5]/fontsize=16/g
s/() waits"/()\\nwaits"/
s/label="ACK     (the handshake is done)"/label="ACK"/
s/label="TIME_WAIT (kernel)"/label="TIME_WAIT\\n(kernel)"/
s/label="\([a-z_]*()\) = \([^"]*\)"/label="\1\\n= \2"/
# The concept figures (accept-queue, socket-buffers, tcp-close): a row
# drawn left to right on paper stands as a column on a phone, and a call
# and the state it leads to go on two lines.
s/rankdir=LR/rankdir=TB/
s/height=1\.2\]/height=0.6]/
s/label=<close(): /label=<close():<BR\/>/
