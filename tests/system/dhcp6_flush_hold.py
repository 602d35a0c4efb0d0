#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# DHCPv6 clients for tests/system/dhcp6_flush_hold.sh: a Reply that grants
# a lease waits for the lease file's sync, an Advertise does not (issue
# 21.3).
#   dhcp6_flush_hold.py K IFNAME HOLDFILE LEASEFILE
# The server runs with VNET_TEST_DHCP_FLUSH_HOLD=HOLDFILE (a sync does not
# complete while the file exists). K clients Solicit and get Advertises;
# HOLDFILE is created; their K Requests and one Solicit with Rapid Commit
# are sent, then K more clients Solicit; then HOLDFILE is removed. Prints
# "replies_held R" (Replies while the sync was held: must be 0),
# "advertises_held A" (the second K's Advertises meanwhile: must be K),
# "replies_after B" (Replies after the hold: must be K + 1) and
# "on_disk D" (of those Replies' addresses, how many LEASEFILE held when
# they had all arrived: must be K + 1).
import os, socket, struct, sys, time

SOLICIT, ADVERTISE, REQUEST, REPLY = 1, 2, 3, 7


def opt(code, data):
    return struct.pack("!HH", code, len(data)) + data


def duid(i):
    return b"\x00\x03\x00\x01\x52\x54\x00" + struct.pack("!I", 0x80000000 + i)[1:]


def msg(kind, i, server=None, addr=None, rapid=False):
    ia = struct.pack("!III", i, 0, 0)
    if addr:
        ia += opt(5, addr + struct.pack("!II", 0, 0))
    m = bytes([kind]) + struct.pack("!I", 0x100000 + i)[1:] + opt(1, duid(i))
    if server:
        m += opt(2, server)
    m += opt(8, b"\x00\x00") + opt(3, ia)
    return m + (opt(14, b"") if rapid else b"")


def options(d, at=4):
    while at + 4 <= len(d):
        code, ln = struct.unpack("!HH", d[at:at + 4])
        yield code, d[at + 4:at + 4 + ln]
        at += 4 + ln


def parse(d):
    """(type, client index, server id, leased address or None)"""
    i = int.from_bytes(d[1:4], "big") - 0x100000
    server = addr = None
    for code, v in options(d):
        if code == 2:
            server = v
        elif code == 3:
            for c2, a in options(v, 12):
                if c2 == 5:
                    addr = a[:16]
    return d[0], i, server, addr


def collect(s, want, lo, hi, got, secs):
    deadline = time.time() + secs
    while time.time() < deadline:
        try:
            t, i, server, addr = parse(s.recv(2048))
        except socket.timeout:
            if got.keys() >= set(range(lo, hi)):
                break
            continue
        if t == want and lo <= i < hi and addr:
            got[i] = (server, addr)
    return got


def receive(s, fn, enough, secs):
    """fn(type, index, address) for each message until enough() or secs."""
    deadline = time.time() + secs
    while not enough() and time.time() < deadline:
        try:
            t, i, server, addr = parse(s.recv(2048))
        except socket.timeout:
            continue
        fn(t, i, addr)


def main():
    k, ifname, hold, leases = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    ifindex = socket.if_nametoindex(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
    s.bind(("::", 546))
    s.settimeout(0.2)
    dst = ("ff02::1:2", 547, 0, ifindex)
    for i in range(k):
        s.sendto(msg(SOLICIT, i), dst)
    adv = collect(s, ADVERTISE, 0, k, {}, 10)
    if len(adv) < k:
        print("advertises_before", len(adv))
        return
    open(hold, "w").close()
    for i in range(k):
        s.sendto(msg(REQUEST, i, adv[i][0], adv[i][1]), dst)
    s.sendto(msg(SOLICIT, 3 * k, rapid=True), dst)
    time.sleep(0.5)  # the Requests are read and their sync starts
    for i in range(k, 2 * k):
        s.sendto(msg(SOLICIT, i), dst)
    replies, second, got = {}, {}, {}

    def held(t, i, addr):
        if t == REPLY:
            replies[i] = addr
        elif t == ADVERTISE and k <= i < 2 * k:
            second[i] = addr

    def after(t, i, addr):
        if t == REPLY and (i < k or i == 3 * k) and addr:
            got[i] = addr

    receive(s, held, lambda: len(second) >= k, 10)
    time.sleep(0.3)  # a Reply sent by mistake has time to arrive
    receive(s, held, lambda: False, 0.3)
    print("replies_held", len(replies))
    print("advertises_held", len(second))
    os.unlink(hold)
    receive(s, after, lambda: len(got) >= k + 1, 10)
    print("replies_after", len(got))
    with open(leases) as f:
        text = f.read()
    print("on_disk", sum(1 for a in got.values()
                         if socket.inet_ntop(socket.AF_INET6, a) in text.split()))


main()
