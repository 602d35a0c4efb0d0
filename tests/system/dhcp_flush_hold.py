#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A relay agent for tests/system/dhcp_burst.sh: ACKs wait for the lease
# file's flush, OFFERs do not (issue 21.3).
#   dhcp_flush_hold.py K SERVER GIADDR HOLDFILE [BASE [full]]
# The server runs with VNET_TEST_DHCP_FLUSH_HOLD=HOLDFILE (a flush does not
# complete while the file exists). K clients get OFFERs; HOLDFILE is
# created; their K REQUESTs are sent and K more clients DISCOVER; then
# HOLDFILE is removed (one client's exchange first, so that these flushes
# append to the journal; with "full", none: the first flush after a start
# is a full save). Clients are numbered from BASE (100000). Prints "acks_held A" (ACKs received while the flush
# was held: must be 0), "offers_held O" (the second K's OFFERs meanwhile:
# must be K) and "acks_after B" (ACKs after the hold: must be K).
import os, socket, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dhcp_burst import COOKIE, msg_type, request  # noqa: E402

BASE = int(sys.argv[5]) if len(sys.argv) > 5 else 100000  # apart from dhcp_burst.py's
FULL = len(sys.argv) > 6 and sys.argv[6] == "full"


def collect(s, want, n, got, secs):
    """Replies of type want for indexes [BASE, BASE + n) into got, for up to secs."""
    deadline = time.time() + secs
    while len(got) < n and time.time() < deadline:
        try:
            d = s.recv(2048)
        except socket.timeout:
            continue
        xid = int.from_bytes(d[4:8], "big") - 0x5b000000 - BASE
        if 0 <= xid < n and len(d) > 240 and d[236:240] == COOKIE and msg_type(d) == want:
            got[xid] = socket.inet_ntoa(d[16:20])
    return got


def main():
    k, server, giaddr, hold = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, 33, 32 << 20)  # SO_RCVBUFFORCE
    s.bind((giaddr, 67))
    s.settimeout(0.2)
    # one exchange first: the first save after a start replaces the file;
    # the ones under test append to it
    if not FULL:
        s.sendto(request(BASE + 2 * k, "discover", giaddr, server), (server, 67))
        warm = collect(s, 2, 2 * k + 1, {}, 10)
        s.sendto(request(BASE + 2 * k, "request", giaddr, server, warm.get(2 * k)), (server, 67))
        if len(collect(s, 5, 2 * k + 1, {}, 10)) != 1:
            print("warm_up failed")
            return
    for i in range(k):
        s.sendto(request(BASE + i, "discover", giaddr, server), (server, 67))
    offers = collect(s, 2, k, {}, 10)
    if len(offers) < k:
        print("offers_before", len(offers))
        return
    open(hold, "w").close()
    for i in range(k):
        s.sendto(request(BASE + i, "request", giaddr, server, offers[i]), (server, 67))
    time.sleep(0.5)  # the REQUESTs are read and their flush starts
    for i in range(k):
        s.sendto(request(BASE + k + i, "discover", giaddr, server), (server, 67))
    acks, second = {}, {}
    deadline = time.time() + 10
    while len(second) < k and time.time() < deadline:
        try:
            d = s.recv(2048)
        except socket.timeout:
            continue
        xid = int.from_bytes(d[4:8], "big") - 0x5b000000 - BASE
        if len(d) <= 240 or d[236:240] != COOKIE:
            continue
        if 0 <= xid < k and msg_type(d) == 5:
            acks[xid] = 1
        elif k <= xid < 2 * k and msg_type(d) == 2:
            second[xid] = 1
    time.sleep(0.3)  # an ACK sent by mistake has time to arrive
    collect(s, 5, k, acks, 0.3)
    print("acks_held", len(acks))
    print("offers_held", len(second))
    os.unlink(hold)
    print("acks_after", len(collect(s, 5, k, acks, 10)))


main()
