#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A tiny upstream DNS server for tests/system/dns_proxy.sh (stdlib only).
#   dns_upstream.py GOOD_IP DEAD_IP LOGFILE
# GOOD_IP:53 answers over UDP and TCP; DEAD_IP:53 swallows every query.
# Names: big.test -> TC over UDP, A 5.5.5.5 over TCP; spoof.test -> first
# spoofed replies (wrong ID, wrong question, wrong source address, wrong
# source port), then A 1.2.3.4; nx.test -> NXDOMAIN + SOA; www.test -> A
# 93.184.216.34 ttl 300; many.test -> 40 A records (673 bytes); names under
# silent.test are swallowed (a slow upstream); anything else -> A 10.10.10.10.
# GOOD_IP and DEAD_IP may be IPv6 addresses (an IPv6 upstream, issue 18.6).
import select, socket, struct, sys

good, dead, logpath = sys.argv[1], sys.argv[2], sys.argv[3]
log = open(logpath, "a", buffering=1)

def parse(q):
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
        i += 1 + q[i]
    qtype, = struct.unpack("!H", q[i + 1:i + 3])
    return qid, ".".join(labels).lower(), qtype, q[12:i + 5]

def reply(qid, question, rcode=0, tc=False, ips=(), ttl=300, soa=False):
    flags = 0x8180 | rcode | (0x0200 if tc else 0)
    msg = struct.pack("!HHHHHH", qid, flags, 1, len(ips), 1 if soa else 0, 0) + question
    for ip in ips:
        msg += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, ttl, 4) + socket.inet_aton(ip)
    if soa:
        rdata = b"\x02ns\xc0\x0c\x01h\xc0\x0c" + struct.pack("!IIIII", 1, 2, 3, 4, 60)
        msg += b"\xc0\x0c" + struct.pack("!HHIH", 6, 1, ttl, len(rdata)) + rdata
    return msg

def answer(q, tcp):
    qid, name, qtype, question = parse(q)
    if name == "big.test":
        return reply(qid, question, tc=True) if not tcp else reply(qid, question, ips=["5.5.5.5"])
    if name == "nx.test":
        return reply(qid, question, rcode=3, soa=True)
    if name == "many.test":
        return reply(qid, question, ips=["10.0.%d.%d" % (i // 250, i % 250 + 1) for i in range(40)])
    if name == "www.test":
        return reply(qid, question, ips=["93.184.216.34"])
    if name == "spoof.test":
        return reply(qid, question, ips=["1.2.3.4"])
    return reply(qid, question, ips=["10.10.10.10"])

def fam(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET

def spoof(q, peer, sg, sd):
    qid, name, qtype, question = parse(q)
    bad = reply(qid ^ 0x5a5a, question, ips=["6.6.6.6"])              # wrong ID
    sg.sendto(bad, peer)
    other = b"\x05other\x04test\x00" + question[-4:]
    sg.sendto(reply(qid, other, ips=["6.6.6.7"]), peer)                 # wrong question
    sd.sendto(reply(qid, question, ips=["6.6.6.8"]), peer)              # wrong address
    s = socket.socket(fam(good), socket.SOCK_DGRAM)
    s.bind((good, 0))
    s.sendto(reply(qid, question, ips=["6.6.6.9"]), peer)               # wrong port
    s.close()

sg = socket.socket(fam(good), socket.SOCK_DGRAM); sg.bind((good, 53))
sd = socket.socket(fam(dead), socket.SOCK_DGRAM); sd.bind((dead, 53))
st = socket.socket(fam(good), socket.SOCK_STREAM)
st.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); st.bind((good, 53)); st.listen(8)
print("ready", flush=True)
while True:
    r, _, _ = select.select([sg, sd, st], [], [])
    for s in r:
        if s is st:
            c, peer = st.accept()
            c.settimeout(2)
            try:
                n, = struct.unpack("!H", c.recv(2, socket.MSG_WAITALL))
                q = c.recv(n, socket.MSG_WAITALL)
                qid, name, qtype, _ = parse(q)
                log.write("tcp %s %d %s %d\n" % (peer[0], peer[1], name, qid))
                a = answer(q, True)
                c.sendall(struct.pack("!H", len(a)) + a)
            except Exception as e:
                log.write("tcp error %s\n" % e)
            c.close()
            continue
        q, peer = s.recvfrom(4096)
        qid, name, qtype, _ = parse(q)
        if s is sd:
            log.write("dead %s %d %s %d\n" % (peer[0], peer[1], name, qid))
            continue
        log.write("udp %s %d %s %d\n" % (peer[0], peer[1], name, qid))
        if name.endswith(".silent.test"):
            continue
        if name == "spoof.test":
            spoof(q, peer, sg, sd)
        sg.sendto(answer(q, False), peer)
