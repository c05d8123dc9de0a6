/* verdict: calculator.spec: FAIL out-of-range (killed by a signal): each
 * number is copied into 12 bytes with strcpy(); a longer one overruns
 * them, and the pointer after them. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

struct operand {
    char digits[12];
    char *reply;
};

static ssize_t answer(int c, char *line)
{
    char reply[64];
    struct operand x, y;
    x.reply = y.reply = reply;
    char op = '?';
    char *a = strtok(line, " \r\n");
    char *o = strtok(NULL, " \r\n");
    char *b = strtok(NULL, " \r\n");
    if (a == NULL || o == NULL || b == NULL) {
        return send(c, "ERR\n", 4, MSG_NOSIGNAL);
    }
    strcpy(x.digits, a);   /* no length check */
    strcpy(y.digits, b);
    op = o[0];
    long l = atol(x.digits), r = atol(y.digits);
    long v = op == '+' ? l + r : op == '-' ? l - r : op == '*' ? l * r : 0;
    int n = snprintf(x.reply, 64, "%ld\n", v);
    return send(c, x.reply, (size_t)n, MSG_NOSIGNAL);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&addr, sizeof addr) != 0
        || listen(s, 10) != 0)
        return 1;
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        struct timeval t = {5, 0}; /* a client that never reads */
        setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &t, sizeof t);
        FILE *in = fdopen(c, "r");
        char line[256];
        while (fgets(line, sizeof line, in))
            if (answer(c, line) < 0)
                break;
        fclose(in);
    }
}
