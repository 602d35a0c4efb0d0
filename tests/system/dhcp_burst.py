#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A relay agent's burst for tests/system/dhcp_burst.sh (plain sockets):
#   dhcp_burst.py discover|request N SERVER GIADDR READYFILE [OFFERS]
# Sends N DISCOVERs (or N REQUESTs for the offered addresses, read from
# the file OFFERS as "index ip" lines) from GIADDR:67, touches READYFILE when all are
# sent, then waits up to 20 s for the N replies and prints "index ip" per
# OFFER (or ACK) received, then "got K".
import socket, struct, sys, time

COOKIE = b"\x63\x82\x53\x63"


def mac(i):
    return bytes([0x02, 0x5b, 0, (i >> 16) & 255, (i >> 8) & 255, i & 255])


def request(i, kind, giaddr, server, ip=None):
    opts = bytes([53, 1, 1 if kind == "discover" else 3])
    if ip:
        opts += bytes([50, 4]) + socket.inet_aton(ip) + bytes([54, 4]) + socket.inet_aton(server)
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 1, 0x5b000000 + i, 0, 0,
                      bytes(4), bytes(4), bytes(4), socket.inet_aton(giaddr),
                      mac(i) + bytes(10), bytes(64), bytes(128))
    return hdr + COOKIE + opts + b"\xff"


def msg_type(d):
    i = 240
    while i + 1 < len(d) and d[i] != 255:
        if d[i] == 0:
            i += 1
            continue
        if d[i] == 53 and d[i + 1] == 1 and i + 2 < len(d):
            return d[i + 2]
        i += 2 + d[i + 1]
    return 0


def main():
    kind, n, server, giaddr, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    ips = {}
    if kind == "request":
        for line in open(sys.argv[6]):
            i, ip = line.split()
            if i != "got":
                ips[int(i)] = ip
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, 33, 32 << 20)  # SO_RCVBUFFORCE
    s.bind((giaddr, 67))
    for i in range(n):
        s.sendto(request(i, kind, giaddr, server, ips.get(i)), (server, 67))
    open(ready, "w").close()
    want = 2 if kind == "discover" else 5  # OFFER, ACK
    got, deadline = {}, time.time() + 20
    s.settimeout(0.5)
    while len(got) < n and time.time() < deadline:
        try:
            d = s.recv(2048)
        except socket.timeout:
            continue
        xid = struct.unpack("!I", d[4:8])[0] - 0x5b000000
        if 0 <= xid < n and len(d) > 240 and d[236:240] == COOKIE and msg_type(d) == want:
            got[xid] = socket.inet_ntoa(d[16:20])
    for i, ip in sorted(got.items()):
        print(i, ip)
    print("got", len(got))


if __name__ == "__main__":
    main()
