#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A hostile guest's DNS load for hostile_dns_flood.sh (stdlib only).
#   dns_flood.py udp SERVER SECONDS     unique names under silent.test, as
#                                       fast as it can (about 2000/s)
#   dns_flood.py tcp SERVER N SECONDS   N connections that trickle a query
#                                       one byte every 4 s, never finishing
# SERVER may be an IPv6 address (hostile_dns_flood6.sh).
# Prints "ready" once started, and at the end what came back:
#   udp: "sent S replies R refused F"; tcp: "held H closed C"
import os, random, socket, struct, sys, time

def query(name, qid):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00" + struct.pack("!HH", 1, 1)

def udp(server, secs):
    s = socket.socket(socket.AF_INET6 if ":" in server else socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    tag = "%x" % random.getrandbits(32)
    sent = replies = refused = 0
    print("ready", flush=True)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        for _ in range(20):
            try:
                s.sendto(query("f%d-%s.silent.test" % (sent, tag), sent & 0xffff), (server, 53))
                sent += 1
            except BlockingIOError:
                break
        while True:
            try:
                r = s.recv(4096)
            except BlockingIOError:
                break
            replies += 1
            refused += (r[3] & 0xf) == 5
        time.sleep(0.01)
    print("sent %d replies %d refused %d" % (sent, replies, refused), flush=True)

def tcp(server, n, secs):
    conns = []
    for i in range(n):
        c = socket.socket(socket.AF_INET6 if ":" in server else socket.AF_INET)
        c.settimeout(1)
        try:
            c.connect((server, 53))
            c.sendall(b"\x00\x40")  # a 64-byte query follows, slowly
        except OSError:
            continue
        c.setblocking(False)
        conns.append(c)
    print("ready", flush=True)
    end = time.monotonic() + secs
    last = time.monotonic()
    while time.monotonic() < end:
        if time.monotonic() - last >= 4:  # under the 10 s idle timeout
            last = time.monotonic()
            for c in conns:
                try:
                    c.send(b"\x00")
                except OSError:
                    pass
        time.sleep(0.2)
    held = closed = 0
    for c in conns:
        try:
            closed += c.recv(1) == b""
        except BlockingIOError:
            held += 1
        except OSError:
            closed += 1
    print("held %d closed %d" % (held, closed), flush=True)

if sys.argv[1] == "udp":
    udp(sys.argv[2], float(sys.argv[3]))
else:
    tcp(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
