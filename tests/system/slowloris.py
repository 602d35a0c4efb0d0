#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Slowloris client for hostile_metrics.sh (stdlib only).
#   slowloris.py HOST PORT SRC N SECONDS [reconnect]
# Opens N connections from source address SRC, sends a request line and then
# one header line every 3 s, never finishing the request head. With
# "reconnect", a connection the server closes is opened again at once.
# Prints "ready" once the first N are connected, and at the end
# "closed C max_life L" (connections the server closed, the longest any of
# them lived, in seconds).
import socket, sys, time

host, port, src, n, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
reconnect = len(sys.argv) > 6 and sys.argv[6] == "reconnect"
conns = {}  # socket -> (opened, last line sent)
closed, max_life = 0, 0.0

def open_one():
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(1)
    try:
        s.connect((host, port))
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    except OSError:
        s.close()
        return
    s.setblocking(False)
    conns[s] = [time.monotonic(), time.monotonic()]

def gone(s):
    # the server closed it (EOF or reset), or a send failed
    try:
        return s.recv(4096) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True

for _ in range(n):
    open_one()
print("ready", len(conns), flush=True)
end = time.monotonic() + secs
i = 0
while time.monotonic() < end:
    now = time.monotonic()
    for s in list(conns):
        opened, last = conns[s]
        dead = gone(s)
        if not dead and now - last >= 3:
            try:
                s.send(b"X-a%d: b\r\n" % i)
                conns[s][1] = now
                i += 1
            except OSError:
                dead = True
        if dead:
            closed += 1
            max_life = max(max_life, now - opened)
            del conns[s]
            s.close()
            if reconnect:
                open_one()
    time.sleep(0.05)
print("closed %d max_life %.1f open %d" % (closed, max_life, len(conns)), flush=True)
