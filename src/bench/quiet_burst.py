# The quiet-connections load of quiet.sh: N connections that each pipeline FRAMES crlf frames of 1 KiB at once, read
# every echo back (checked), then stay open and silent for HOLD seconds. Prints "grown N" once all echoes are back.
# Usage: python3 src/bench/quiet_burst.py PORT N FRAMES HOLD (loopback).
import selectors, socket, sys, time
port, n, frames, hold = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
burst = (b'x' * 1022 + b'\r\n') * frames
sockets = [socket.create_connection(('127.0.0.1', port), timeout=5) for _ in range(n)]
selector = selectors.DefaultSelector()
echoed = {}
for s in sockets:
    s.sendall(burst)
    s.setblocking(False)
    echoed[s] = b''
    selector.register(s, selectors.EVENT_READ)
deadline = time.time() + 60
while selector.get_map() and time.time() < deadline:
    for key, _ in selector.select(1):
        s = key.fileobj
        echoed[s] += s.recv(1 << 20)
        if len(echoed[s]) >= len(burst):
            selector.unregister(s)
wrong = sum(1 for e in echoed.values() if e != burst)
print('grown %d wrong %d' % (n, wrong), flush=True)
time.sleep(hold)
for s in sockets:
    s.close()
