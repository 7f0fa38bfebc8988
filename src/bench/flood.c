// A paced flood of short connections for src/bench/log-flood.sh: each thread connects, then either sends
// half a frame and closes ("partial": the server logs a WARN and counts partial-frame) or sends one frame,
// reads its echo and closes ("clean"). Build: cc -O2 -pthread -o flood flood.c
// Usage: flood PORT SECONDS THREADS partial|clean [CONNECTS_PER_SECOND, all threads together; 0: unpaced]
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int port, seconds, partial;
static double rate;
static long total;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void *run(void *unused) {
    (void) unused;
    struct sockaddr_in to = {0};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char echo[64];
    long n = 0;
    double start = now(), end = start + seconds;
    while (now() < end) {
        if (rate > 0) {
            double ahead = start + n / rate - now();
            if (ahead > 0) usleep((useconds_t) (ahead * 1e6));
        }
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *) &to, sizeof to) != 0) {
            close(fd);
            usleep(1000);
            continue;
        }
        if (partial) {
            if (write(fd, "half a frame", 12) != 12) fprintf(stderr, "short write\n");
        } else if (write(fd, "a frame\r\n", 9) != 9 || read(fd, echo, sizeof echo) != 9) {
            fprintf(stderr, "no echo\n");
        }
        close(fd);
        n++;
    }
    __sync_fetch_and_add(&total, n);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: flood PORT SECONDS THREADS partial|clean [CONNECTS_PER_SECOND]\n");
        return 2;
    }
    port = atoi(argv[1]);
    seconds = atoi(argv[2]);
    int threads = atoi(argv[3]);
    partial = strcmp(argv[4], "partial") == 0;
    rate = argc > 5 ? atof(argv[5]) / threads : 0;
    pthread_t thread[64];
    for (int i = 0; i < threads && i < 64; i++) pthread_create(&thread[i], NULL, run, NULL);
    for (int i = 0; i < threads && i < 64; i++) pthread_join(thread[i], NULL);
    printf("mode=%s connects=%ld connects_per_s=%ld\n", argv[4], total, total / seconds);
    return 0;
}
