// SPDX-License-Identifier: GPL-2.0-or-later
/* libvirt's <bandwidth> into the data path (issue 19.4, bpf/lib/qos.h):
 * qos_map entries for ports and networks, the pacing program and an fq
 * qdisc on the egress of ports whose inbound traffic is paced. */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_sched.h>
#include <netlink/netlink.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/tc.h>

#include "dp_priv.h"

#define KBYTE_RATE 1000ULL	/* libvirt's (tc's) kbps: 1000 bytes/s */
#define KBYTE 1024ULL		/* libvirt's (tc's) kb for burst: 1024 bytes */
#define GSO_MAX 65536ULL	/* the largest packet (a GSO super-packet) */
/* A policed peak bucket's depth: no queue smooths a TCP burst, so a depth
 * of one packet starves TCP (measured through a 100 Mbit/s peak, 10 Mbit/s
 * average, 6000 kB burst: 4 Mbit/s with one packet, 12 with 20 ms; with
 * 50 ms the burst goes through in 2 s, 31 and 30 Mbit/s, then 10). The
 * price: a peak overshoot of up to 50 ms worth of it. */
#define PEAK_POLICE_NS 50000000ULL
/* A floor's bucket depth. Policed (no fq), measured with TCP (qos_xml.sh:
 * a 72 Mbit/s floor against another guest under a 100 Mbit/s aggregate):
 * 100 ms gave the port 56 (TCP backs off below its floor on the drops of
 * what it sends over it), 1 s 97 and the other guest 1; 300 ms gives 72 and
 * the other 26. */
#define FLOOR_WINDOW_NS 300000000ULL
#define FQ_HANDLE 0x564e0000u	/* "VN": */

static __u64 ns_of(__u64 bytes, __u64 rate)
{
	return rate ? bytes * 1000000000ULL / rate : 0;
}

/* One direction as the programs want it. police: no queue (outbound),
 * where libvirt's own police filter defaults the burst to the average
 * (a second's worth); a paced direction without burst is paced evenly. */
void dp_qos_dir_of(const struct netdef_bw *bw, int police, struct vnet_qos_dir *d)
{
	__u64 burst = bw->burst ? bw->burst : police ? bw->average : 0;

	memset(d, 0, sizeof(*d));
	d->rate = bw->average * KBYTE_RATE;
	d->peak = bw->peak * KBYTE_RATE;
	d->tau = ns_of(burst * KBYTE, d->rate);
	d->tau_peak = 0;
	if (police && d->peak) {
		d->tau_peak = ns_of(2 * GSO_MAX, d->peak);
		if (d->tau_peak < PEAK_POLICE_NS)
			d->tau_peak = PEAK_POLICE_NS;
	}
	if (!d->rate)
		d->peak = 0;	/* libvirt: average is mandatory, a lone peak is nothing */
}

static int nl_qdisc(int ifindex, int add)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();
	int r = -ENOMEM;

	if (!sk || !q)
		goto out;
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r)
		goto out;
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
	rtnl_tc_set_handle(TC_CAST(q), FQ_HANDLE);
	r = rtnl_tc_set_kind(TC_CAST(q), "fq");
	if (!r)
		r = add ? rtnl_qdisc_add(sk, q, NLM_F_CREATE | NLM_F_REPLACE)
			: rtnl_qdisc_delete(sk, q);
	r = r < 0 ? -EIO : 0;	/* libnl's NLE_* codes are not errnos */
out:
	if (q)
		rtnl_qdisc_put(q);
	if (sk)
		nl_socket_free(sk);
	return r;
}

/* Does the kernel have sch_fq (EDT pacing)? Probed once, on a dummy
 * device in a namespace of its own would be cleaner; the first paced
 * port tells (nl_qdisc fails with the kind unknown). -1: not known yet. */
static int have_fq = -1;

bool dp_have_fq(void)
{
	return have_fq != 0;
}

/* vnet_qos_on: the programs look qos_map up only while it has entries
 * (dp->qos_n: vnetd is the map's only writer). */
static void qos_sync(struct datapath *dp)
{
	dp->skel->bss->vnet_qos_on = dp->qos_n;
}

/* A daemon (re)started on pinned maps: its freshly loaded pacing program
 * replaces the old one on every paced port; the entries are counted. */
void dp_qos_open(struct datapath *dp)
{
	int fd = DP_MAP_FD(dp, qos_map);
	__u32 k, next, *prev = NULL;
	struct vnet_qos q;

	dp->qos_n = 0;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		dp->qos_n++;
		if (!(k & VNET_QOS_NET) && bpf_map_lookup_elem(fd, &k, &q) == 0 &&
		    (q.flags & VNET_QOS_PACE))
			dp_attach_qos(dp, k);
	}
	qos_sync(dp);
}

/* key's entry removed, and counted out if it was there */
static void qos_delete(struct datapath *dp, __u32 key)
{
	if (bpf_map_delete_elem(DP_MAP_FD(dp, qos_map), &key) == 0 && dp->qos_n)
		dp->qos_n--;
}

static bool bw_in(const struct netdef_bandwidth *bw)
{
	return bw && bw->in.average;
}

static bool bw_out(const struct netdef_bandwidth *bw)
{
	return bw && bw->out.average;
}

/* The entry for key, its buckets kept if the limits did not change (a
 * re-add after a restart must not hand out a fresh burst). */
static int qos_write(struct datapath *dp, __u32 key, struct vnet_qos *q)
{
	int fd = DP_MAP_FD(dp, qos_map);
	struct vnet_qos old;
	int had;

	if (!q->flags && !q->floor.rate) {
		qos_delete(dp, key);
		return 0;
	}
	had = bpf_map_lookup_elem(fd, &key, &old) == 0;
	if (had) {
		if (old.in.rate == q->in.rate && old.in.peak == q->in.peak &&
		    old.in.tau == q->in.tau) {
			q->in.tat = old.in.tat;
			q->in.tat_peak = old.in.tat_peak;
		}
		if (old.out.rate == q->out.rate && old.out.peak == q->out.peak &&
		    old.out.tau == q->out.tau) {
			q->out.tat = old.out.tat;
			q->out.tat_peak = old.out.tat_peak;
		}
	}
	if (bpf_map_update_elem(fd, &key, q, BPF_ANY))
		return -errno;
	dp->qos_n += !had;
	return 0;
}

int dp_net_qos_set(struct datapath *dp, uint32_t net_id, const struct netdef_bandwidth *bw,
		   char *err, size_t errlen);

/* Policed, a bucket needs depth (with none, the copies of one broadcast
 * to the ports of a network drop each other): the networks' aggregates
 * again, once the kernel turned out to have no fq. */
static void qos_nets_redo(struct datapath *dp)
{
	for (uint32_t id = 1; id < VNET_MAX_NETS; id++)
		if (dp->qos_net_bw[id].in.average)
			dp_net_qos_set(dp, id, &dp->qos_net_bw[id], NULL, 0);
}

int dp_port_qos_set(struct datapath *dp, int ifindex, const struct netdef_bandwidth *bw,
		    bool net_in, char *err, size_t errlen)
{
	struct vnet_qos q = { 0 };
	__u32 key = ifindex;
	int r, had;

	had = bpf_map_lookup_elem(DP_MAP_FD(dp, qos_map), &key, &q) == 0 &&
	      (q.flags & VNET_QOS_PACE);
	memset(&q, 0, sizeof(q));
	if (bw_in(bw) || net_in) {
		int known = have_fq;

		q.flags |= VNET_QOS_PACE;
		/* fq first: the program's departure times mean nothing without
		 * it; a kernel without sch_fq gets inbound policed instead */
		have_fq = nl_qdisc(ifindex, 1) == 0;
		if (!have_fq)
			q.flags |= VNET_QOS_IN_POLICE;
		if (known != have_fq)	/* the aggregates were made for fq */
			qos_nets_redo(dp);
		r = dp_attach_qos(dp, ifindex);
		if (r) {
			dp_err(err, errlen, "port ifindex %d: pacing program: %s", ifindex,
			       strerror(-r));
			return r;
		}
	}
	if (bw_in(bw)) {
		q.flags |= VNET_QOS_IN;
		dp_qos_dir_of(&bw->in, !!(q.flags & VNET_QOS_IN_POLICE), &q.in);
		if (bw->in.floor) {
			q.floor.rate = bw->in.floor * KBYTE_RATE;
			q.floor.tau = FLOOR_WINDOW_NS;
		}
	}
	if (bw_out(bw)) {
		q.flags |= VNET_QOS_OUT;
		dp_qos_dir_of(&bw->out, 1, &q.out);
	}
	r = qos_write(dp, key, &q);
	if (r) {
		dp_err(err, errlen, "port ifindex %d: qos_map: %s", ifindex, strerror(-r));
		return r;
	}
	if (had && !(q.flags & VNET_QOS_PACE)) {
		dp_detach_qos(dp, ifindex);
		nl_qdisc(ifindex, 0);
	}
	qos_sync(dp);
	return 0;
}

void dp_port_qos_clear(struct datapath *dp, int ifindex)
{
	struct vnet_qos q;
	__u32 key = ifindex;

	if (bpf_map_lookup_elem(DP_MAP_FD(dp, qos_map), &key, &q) == 0) {
		if (q.flags & VNET_QOS_PACE) {
			dp_detach_qos(dp, ifindex);
			nl_qdisc(ifindex, 0);	/* gone with the device, if it went */
		}
		qos_delete(dp, key);
	}
	bpf_map_delete_elem(DP_MAP_FD(dp, qos_stats), &key);
	qos_sync(dp);
}

int dp_net_qos_set(struct datapath *dp, uint32_t net_id, const struct netdef_bandwidth *bw,
		   char *err, size_t errlen)
{
	struct vnet_qos q = { 0 };
	int r;

	if (net_id >= VNET_MAX_NETS)
		return -EINVAL;
	if (bw)
		dp->qos_net_bw[net_id] = *bw;
	else
		memset(&dp->qos_net_bw[net_id], 0, sizeof(dp->qos_net_bw[net_id]));
	if (bw_in(bw)) {
		q.flags |= VNET_QOS_IN;
		dp_qos_dir_of(&bw->in, !dp_have_fq(), &q.in);
	}
	if (bw_out(bw)) {
		q.flags |= VNET_QOS_OUT;
		dp_qos_dir_of(&bw->out, 1, &q.out);
	}
	r = qos_write(dp, VNET_QOS_NET | net_id, &q);
	if (r)
		dp_err(err, errlen, "network %u: qos_map: %s", net_id, strerror(-r));
	qos_sync(dp);
	return r;
}

int dp_port_qos_stats(struct datapath *dp, int ifindex, struct vnet_qos_stats *out)
{
	int n = dp->ncpu;
	struct vnet_qos_stats v[n];
	__u32 key = ifindex;

	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, qos_stats), &key, v))
		return -ENOENT;
	for (int i = 0; i < n; i++) {
		out->paced += v[i].paced;
		out->delay_ns += v[i].delay_ns;
		out->dropped += v[i].dropped;
		out->policed += v[i].policed;
	}
	return 0;
}
