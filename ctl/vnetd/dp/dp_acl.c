/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACLs into the data path's classifier maps (bpf/lib/acl.h). A table
 * (slot, direction) is written into its inactive generation -- stale
 * entries of that generation removed, the new LPM entries, protocol
 * bitmaps, zeroed hit counters and the actions -- and only then made live
 * by flipping acl_gen: a packet sees the old rule set or the new one,
 * never a mix. The old generation stays until the next change, for the
 * packets still using it. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_priv.h"
#include "acl/acl.h"

_Static_assert(ACL_MAX_RULES == VNET_ACL_RULES, "lib/acl and the data path agree on rules");
_Static_assert(ACL_WORDS == VNET_ACL_WORDS, "bitmap words");
_Static_assert(sizeof(((struct acl_lpm_entry *)0)->bits) == sizeof(struct vnet_acl_bits),
	       "bitmap size");
_Static_assert((int)ACL_F_SRC == (int)VNET_ACL_F_SRC && (int)ACL_F_DPORT == (int)VNET_ACL_F_DPORT,
	       "field numbers");

static void lpm_key(struct vnet_acl_lpm_key *k, unsigned cls, uint8_t field, uint8_t plen,
		    const uint8_t *data)
{
	memset(k, 0, sizeof(*k));
	k->field = field;
	k->cls[0] = (uint8_t)(cls >> 8);
	k->cls[1] = (uint8_t)cls;
	k->prefixlen = 24u + plen;
	memcpy(k->data, data, 4);
}

static void lpm6_key(struct vnet_acl_lpm6_key *k, unsigned cls, uint8_t field, uint8_t plen,
		     const uint8_t *data)
{
	memset(k, 0, sizeof(*k));
	k->field = field == ACL_F_SRC6 ? VNET_ACL_F_SRC : VNET_ACL_F_DST;
	k->cls[0] = (uint8_t)(cls >> 8);
	k->cls[1] = (uint8_t)cls;
	k->prefixlen = 24u + plen;
	memcpy(k->data, data, 16);
}

/* Both tries' keys start with prefixlen, field, cls. */
static int lpm_of_cls(const void *key, const void *val, const void *arg)
{
	const struct vnet_acl_lpm_key *k = key;
	unsigned cls = *(const unsigned *)arg;

	(void)val;
	return ((unsigned)k->cls[0] << 8 | k->cls[1]) == cls;
}

/* One compiled entry into its trie: IPv6 addresses into acl_lpm6. */
static int lpm_write(struct datapath *dp, unsigned cls, const struct acl_lpm_entry *e)
{
	struct vnet_acl_lpm6_key k6;
	struct vnet_acl_lpm_key k;

	if (e->field == ACL_F_SRC6 || e->field == ACL_F_DST6) {
		lpm6_key(&k6, cls, e->field, e->plen, e->data);
		return bpf_map_update_elem(DP_MAP_FD(dp, acl_lpm6), &k6, e->bits, BPF_ANY);
	}
	lpm_key(&k, cls, e->field, e->plen, e->data);
	return bpf_map_update_elem(DP_MAP_FD(dp, acl_lpm), &k, e->bits, BPF_ANY);
}

/* Build classifier cls from t (NULL: no rules, invalid). */
static int cls_write(struct datapath *dp, unsigned cls, const struct acl_table *t, char *err,
		     size_t errlen)
{
	int lpm = DP_MAP_FD(dp, acl_lpm), info_fd = DP_MAP_FD(dp, acl_info);
	struct vnet_acl_info *info = calloc(1, sizeof(*info));
	__u64 zero = 0;
	int r = 0;

	if (!info)
		return -ENOMEM;
	/* invalid while it is rebuilt (it is not live: belt and braces) */
	bpf_map_update_elem(info_fd, &cls, info, BPF_ANY);
	purge_matching(lpm, sizeof(struct vnet_acl_lpm_key), sizeof(struct vnet_acl_bits),
		       lpm_of_cls, &cls);
	purge_matching(DP_MAP_FD(dp, acl_lpm6), sizeof(struct vnet_acl_lpm6_key),
		       sizeof(struct vnet_acl_bits), lpm_of_cls, &cls);
	for (__u32 h = 0; h < VNET_ACL_HIT_STRIDE; h++) {
		__u32 k = cls * VNET_ACL_HIT_STRIDE + h;

		bpf_map_update_elem(DP_MAP_FD(dp, acl_hits), &k, &zero, BPF_ANY);
	}
	if (!t)
		goto out;
	for (size_t i = 0; i < t->n_lpm; i++) {
		if (lpm_write(dp, cls, &t->lpm[i])) {
			r = -errno;
			dp_err(err, errlen, "ACL classifier full (%d prefixes at most): %s",
			       VNET_ACL_MAX_LPM, strerror(errno));
			goto out;
		}
	}
	for (__u32 c = 0; c < 4; c++) {
		__u32 k = cls * 4 + c;

		if (bpf_map_update_elem(DP_MAP_FD(dp, acl_proto), &k, t->proto[c], BPF_ANY) ||
		    bpf_map_update_elem(DP_MAP_FD(dp, acl_proto6), &k, t->proto6[c], BPF_ANY)) {
			r = -errno;
			dp_err(err, errlen, "acl_proto: %s", strerror(errno));
			goto out;
		}
	}
	info->nrules = (__u16)t->nrules;
	info->nwords = (__u8)t->nwords;
	info->dflt = t->dflt == ACL_DROP ? VNET_ACL_DROP : VNET_ACL_ALLOW;
	for (unsigned b = 0; b < t->nrules; b++)
		info->act[b] = t->act[b] == ACL_DROP ? VNET_ACL_DROP : VNET_ACL_ALLOW;
	info->valid = 1;
	if (bpf_map_update_elem(info_fd, &cls, info, BPF_ANY)) {
		r = -errno;
		dp_err(err, errlen, "acl_info: %s", strerror(errno));
	}
out:
	free(info);
	return r;
}

static int table_load(struct datapath *dp, unsigned slot, enum acl_table_dir dir,
		      const struct acl *a, char *err, size_t errlen)
{
	__u32 t = VNET_ACL_TABLE(slot, dir), gen = 0;
	struct acl_table tab;
	int r;

	if (a && (r = acl_compile(a, dir, &tab))) {
		dp_err(err, errlen, "ACL %s: %s", a->name, strerror(-r));
		return r;
	}
	bpf_map_lookup_elem(DP_MAP_FD(dp, acl_gen), &t, &gen);
	gen = (gen + 1) & 1;
	r = cls_write(dp, VNET_ACL_CLS(t, gen), a ? &tab : NULL, err, errlen);
	if (a)
		acl_table_free(&tab);
	if (r)
		return r;
	if (bpf_map_update_elem(DP_MAP_FD(dp, acl_gen), &t, &gen, BPF_ANY)) {
		dp_err(err, errlen, "acl_gen: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int dp_acl_load(struct datapath *dp, unsigned slot, const struct acl *a, char *err, size_t errlen)
{
	int r;

	if (slot == 0 || slot >= VNET_ACL_SLOTS) {
		dp_err(err, errlen, "no ACL slot %u", slot);
		return -EINVAL;
	}
	r = table_load(dp, slot, ACL_TABLE_IN, a, err, errlen);
	if (!r)
		r = table_load(dp, slot, ACL_TABLE_OUT, a, err, errlen);
	return r;
}

/* Hits of the live generation of table (slot, dir) onto the rules. */
static void table_hits(struct datapath *dp, unsigned slot, enum acl_table_dir dir,
		       const struct acl *a, uint64_t *hits, uint64_t *dflt, uint64_t *est)
{
	__u32 t = VNET_ACL_TABLE(slot, dir), gen = 0, cls, k;
	struct vnet_acl_info info;
	__u64 v;
	unsigned b = 0;

	bpf_map_lookup_elem(DP_MAP_FD(dp, acl_gen), &t, &gen);
	cls = VNET_ACL_CLS(t, gen);
	if (bpf_map_lookup_elem(DP_MAP_FD(dp, acl_info), &cls, &info) || !info.valid)
		return;
	/* bit b is the b-th rule of this direction (acl_compile) */
	for (size_t i = 0; i < a->n_rules && b < info.nrules; i++) {
		if (!(a->rules[i].dir & (dir == ACL_TABLE_IN ? ACL_IN : ACL_OUT)))
			continue;
		k = cls * VNET_ACL_HIT_STRIDE + b++;
		if (!bpf_map_lookup_elem(DP_MAP_FD(dp, acl_hits), &k, &v))
			hits[i] += v;
	}
	k = cls * VNET_ACL_HIT_STRIDE + VNET_ACL_HIT_DEFAULT;
	if (!bpf_map_lookup_elem(DP_MAP_FD(dp, acl_hits), &k, &v))
		*dflt += v;
	k = cls * VNET_ACL_HIT_STRIDE + VNET_ACL_HIT_EST;
	if (!bpf_map_lookup_elem(DP_MAP_FD(dp, acl_hits), &k, &v))
		*est += v;
}

void dp_acl_hits(struct datapath *dp, unsigned slot, const struct acl *a, uint64_t *hits,
		 uint64_t *dflt, uint64_t *est)
{
	memset(hits, 0, a->n_rules * sizeof(*hits));
	*dflt = *est = 0;
	if (slot == 0 || slot >= VNET_ACL_SLOTS)
		return;
	table_hits(dp, slot, ACL_TABLE_IN, a, hits, dflt, est);
	table_hits(dp, slot, ACL_TABLE_OUT, a, hits, dflt, est);
}

static bool dp_qos_paced(struct datapath *dp, int ifindex)
{
	struct vnet_qos q;
	__u32 k = (__u32)ifindex;

	return bpf_map_lookup_elem(DP_MAP_FD(dp, qos_map), &k, &q) == 0 &&
	       (q.flags & VNET_QOS_PACE);
}

int dp_acl_port_set(struct datapath *dp, int ifindex, unsigned in_slot, unsigned out_slot)
{
	struct vnet_acl_port v = { 0 };
	__u32 k = (__u32)ifindex;

	if (in_slot >= VNET_ACL_SLOTS || out_slot >= VNET_ACL_SLOTS)
		return -EINVAL;
	if (in_slot)
		v.in_t = VNET_ACL_TABLE(in_slot, VNET_ACL_DIR_IN);
	if (out_slot)
		v.out_t = VNET_ACL_TABLE(out_slot, VNET_ACL_DIR_OUT);
	if (!v.in_t && !v.out_t)
		bpf_map_delete_elem(DP_MAP_FD(dp, acl_port_map), &k);
	else if (bpf_map_update_elem(DP_MAP_FD(dp, acl_port_map), &k, &v, BPF_ANY))
		return -errno;
	dp_port_state_sync(dp, k);	/* the port path reads its copy */
	/* what the kernel delivers into the port (bridge floods, the host's
	 * own packets) is judged at its egress */
	if (v.in_t)
		return dp_attach_qos(dp, ifindex);
	if (!dp_qos_paced(dp, ifindex))
		dp_detach_qos(dp, ifindex);
	return 0;
}
