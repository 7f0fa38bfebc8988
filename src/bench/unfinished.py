# The unfinished-frames load of memory.sh and pod-memory.sh: 6,000 connections that each send 65,000 bytes of a
# crlf frame without its end, and wait 5 s. Usage: python3 src/bench/unfinished.py PORT (loopback).
import socket, sys, time
port = int(sys.argv[1])
held, refused = [], 0
for i in range(6000):
    try:
        s = socket.create_connection(('127.0.0.1', port), timeout=5)
        s.sendall(b'x' * 65000)
        held.append(s)
    except OSError:
        refused += 1
time.sleep(5)
print('connections=%d failed_to_send=%d' % (len(held), refused))
