// SPDX-License-Identifier: GPL-2.0-or-later
/* Loading the data path and its pinned state. Maps are pinned by name
 * (LIBBPF_PIN_BY_NAME) under pin_dir: libbpf reuses an existing, compatible
 * pin and pins new maps, so a restarted daemon finds conntrack, fdb and
 * counters as it left them. On open, every port and uplink recorded in the
 * pinned maps gets the freshly loaded program by atomic replacement. */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_priv.h"
#include "util/util.h"
#include "core/core.h"
#include "vnet.skel.h"

/* libbpf's warnings (a verifier log can be long) go to debug logging. */
static int libbpf_log(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	char *msg = NULL;

	if (lvl == LIBBPF_DEBUG || vasprintf(&msg, fmt, ap) < 0)
		return 0;
	log_debug("libbpf: %s", msg);
	free(msg);
	return 0;
}

/* The NAT port ranges must lie outside the host's ephemeral range. */
static void check_port_range(void)
{
	unsigned lo = 0, hi = 0;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");

	if (!f)
		return;
	if (fscanf(f, "%u %u", &lo, &hi) == 2 &&
	    (lo <= VNET_NAT_LO_MAX || hi >= VNET_NAT_HI_MIN))
		log_debug("datapath: host ephemeral ports %u-%u overlap the NAT ranges "
			  "%u-%u, %u-%u", lo, hi, VNET_NAT_LO_MIN, VNET_NAT_LO_MAX,
			  VNET_NAT_HI_MIN, VNET_NAT_HI_MAX);
	fclose(f);
}

/* The configured size (dp_configure: --ct-max / VNET_CT_MAX) is the
 * conntrack table's (entries, 2 per flow) when it is created. An existing
 * pin keeps its size (libbpf reuses a pin only if it matches): so an
 * upgrade from a build with another default keeps its flows instead of
 * failing to load. */
static void size_ct(struct vnet *skel, const char *pin_dir)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	unsigned long n = dp_config_ct_max();
	int fd;

	snprintf(path, sizeof(path), "%s/ct_map", pin_dir);
	fd = bpf_obj_get(path);
	if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.max_entries != n) {
		log_debug("datapath: pinned ct_map keeps %u entries (wanted %lu)",
			  info.max_entries, n);
		n = info.max_entries;
	}
	if (fd >= 0)
		close(fd);
	bpf_map__set_max_entries(skel->maps.ct_map, (__u32)n);
}

/* The maps keyed by a port (VNET_MAX_PORTS entries; qos_map also holds
 * the networks'). A pin made by an older build keeps its size, as ct_map
 * does: libbpf reuses a pin only if it matches, and these hold live state
 * (ports, policies, ACL attachments) a restart must find. The host's port
 * limit is then the smallest (dp_port_limit) until the pins are removed
 * (a reboot, or vnetd stopped and the pin dir cleared). */
static const char *const port_maps[] = { "port_map", "bind6_count", "learn_made", "learn_cfg",
					 "port_stats", "acl_port_map", "qos_map", "qos_stats",
					 "port_state", "port_ctr", "bind6_sum", "port_slot",
					 "port_state_slot" };

static void size_port_maps(struct vnet *skel, const char *pin_dir)
{
	for (size_t i = 0; i < sizeof(port_maps) / sizeof(port_maps[0]); i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(skel->obj, port_maps[i]);
		struct bpf_map_info info = { 0 };
		__u32 len = sizeof(info);
		char path[PATH_MAX];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", pin_dir, port_maps[i]);
		fd = bpf_obj_get(path);
		if (!m || fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    info.max_entries != bpf_map__max_entries(m) && info.type == bpf_map__type(m) &&
		    info.key_size == bpf_map__key_size(m) &&
		    info.value_size == bpf_map__value_size(m)) {
			log_info("datapath: pinned %s keeps %u entries (this build makes %u): the "
				 "host's port limit follows it until the pins are removed",
				 port_maps[i], info.max_entries, bpf_map__max_entries(m));
			bpf_map__set_max_entries(m, info.max_entries);
		}
		close(fd);
	}
}

size_t dp_port_limit(const struct datapath *dp)
{
	size_t lim = SIZE_MAX;

	if (!dp || !dp->skel)
		return VNET_MAX_PORTS;
	for (size_t i = 0; i < sizeof(port_maps) / sizeof(port_maps[0]); i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(dp->skel->obj, port_maps[i]);
		size_t n;

		if (!m)
			continue;
		n = bpf_map__max_entries(m);
		if (!strcmp(port_maps[i], "qos_map"))	/* the networks' aggregates too */
			n = n > VNET_MAX_NETS ? n - VNET_MAX_NETS : 0;
		if (n < lim)
			lim = n;
	}
	return lim == SIZE_MAX ? VNET_MAX_PORTS : lim;
}

/* Counter maps whose shape changed (drops and global_stats became per
 * network) cannot be reused: libbpf refuses a pin whose type, sizes or
 * flags differ, and the load would fail. Their contents are only counts,
 * so such a pin is removed and the map created afresh (its counts restart
 * from 0, once); every other map must stay compatible. */
static void replace_stale_counters(struct vnet *skel, const char *pin_dir)
{
	static const char *const names[] = { "drops", "global_stats", "port_stats" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(skel->obj, names[i]);
		struct bpf_map_info info = { 0 };
		__u32 len = sizeof(info);
		char path[PATH_MAX];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", pin_dir, names[i]);
		fd = bpf_obj_get(path);
		if (!m || fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    (info.type != bpf_map__type(m) || info.key_size != bpf_map__key_size(m) ||
		     info.value_size != bpf_map__value_size(m) ||
		     info.max_entries != bpf_map__max_entries(m) ||
		     info.map_flags != bpf_map__map_flags(m))) {
			log_info("datapath: pinned %s has another layout (%u entries, want %u): "
				 "replaced, its counts restart from 0", names[i], info.max_entries,
				 bpf_map__max_entries(m));
			unlink(path);
		}
		close(fd);
	}
}

/* port_state is a cache of other maps (dp_port_state.c) and grew (issue
 * 21: the lease summary): a pin of another value size cannot be reused,
 * so it is removed and created afresh, each port keeping its port_ctr
 * slot -- its counters -- which sits at the same offset in every layout.
 * The programs still attached keep the old map until they are replaced. */
static void replace_port_state(struct datapath *dp)
{
	struct bpf_map *m = dp->skel->maps.port_state;
	const size_t off = offsetof(struct vnet_port_state, slot);
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info), key, next, *prev = NULL;
	char path[PATH_MAX + 16];
	__u8 *v = NULL;
	int fd;

	snprintf(path, sizeof(path), "%s/port_state", dp->pin_dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.key_size != sizeof(__u32) ||
	    info.value_size == bpf_map__value_size(m) || !(v = malloc(info.value_size))) {
		close(fd);
		return;
	}
	while (info.value_size >= off + sizeof(__u32) &&
	       bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct ps_carry *c = realloc(dp->ps_carry, (dp->ps_ncarry + 1) * sizeof(*c));

		key = next;
		prev = &key;
		if (!c)
			break;
		dp->ps_carry = c;
		if (bpf_map_lookup_elem(fd, &key, v))
			continue;
		c[dp->ps_ncarry].ifindex = key;
		memcpy(&c[dp->ps_ncarry++].slot, v + off, sizeof(__u32));
	}
	log_info("datapath: pinned port_state has another layout (%u-byte values, this build's "
		 "%u): recreated, %zu ports keep their counters", info.value_size,
		 bpf_map__value_size(m), dp->ps_ncarry);
	unlink(path);
	free(v);
	close(fd);
}

/* The CT_TIMEOUT_DIV=n test hook (vnetd-test only) divides every conntrack
 * timeout by n, so a test sees half-open flows expire in seconds; the
 * states and their order are the ones production runs. */
static unsigned timeout_div(void)
{
	const char *v = test_hook(TEST_HOOK_CT_TIMEOUT_DIV);
	char *end = "";
	unsigned long n = v && *v ? strtoul(v, &end, 10) : 1;

	if (*end || n < 1 || n > 3600)
		n = 1;
	if (n > 1)
		log_info("datapath: conntrack timeouts divided by %lu (test hook)", n);
	return (unsigned)n;
}

/* Give every recorded port/uplink the program just loaded (replace). */
static void reattach_all(struct datapath *dp)
{
	int pfd = DP_MAP_FD(dp, port_map), ufd = DP_MAP_FD(dp, uplink_map);
	int bfd = DP_MAP_FD(dp, bridge_map);
	__u32 key, next, *prev = NULL;
	struct vnet_port port;
	struct vnet_uplink up;
	char name[IF_NAMESIZE];

	while (bpf_map_get_next_key(pfd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(pfd, &key, &port) || !if_indextoname(key, name))
			continue;
		if (port.kind != VNET_KIND_VETH)
			dp_tx_port(dp, key, 1);
		dp_attach_port(dp, key, port.hook, 0, NULL, 0);
	}
	prev = NULL;
	while (bpf_map_get_next_key(ufd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(ufd, &key, &up) || !if_indextoname(key, name))
			continue;
		dp_tx_port(dp, key, 1);
		if (dp_attach_port(dp, key, up.hook, 1, NULL, 0) == 0) {
			__u8 x = (__u8)dp_uplink_xdp_set(dp, key, up.kind);

			if (x != up.xdp) {
				up.xdp = x;
				bpf_map_update_elem(ufd, &key, &up, BPF_EXIST);
			}
		}
	}
	prev = NULL;
	while (bpf_map_get_next_key(bfd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (if_indextoname(key, name))
			dp_attach_bridge(dp, key, NULL, 0);
	}
}

int dp_open(const char *pin_dir, struct datapath **ret, char *err, size_t errlen)
{
	struct datapath *dp = calloc(1, sizeof(*dp));
	int r;

	if (!dp)
		return -ENOMEM;
	libbpf_set_print(libbpf_log);
	snprintf(dp->pin_dir, sizeof(dp->pin_dir), "%s", pin_dir);
	dp->ncpu = libbpf_num_possible_cpus();
	dp->ct_entries = -1;
	r = mkdir_p(pin_dir, 0700);
	if (r) {
		dp_err(err, errlen, "create %s: %s", pin_dir, strerror(-r));
		goto fail;
	}
	DECLARE_LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = dp->pin_dir);
	dp->skel = vnet__open_opts(&opts);
	if (!dp->skel) {
		r = -errno;
		dp_err(err, errlen, "open BPF object: %s", strerror(-r));
		goto fail;
	}
	size_ct(dp->skel, dp->pin_dir);
	size_port_maps(dp->skel, dp->pin_dir);
	replace_stale_counters(dp->skel, dp->pin_dir);
	replace_port_state(dp);
	r = vnet__load(dp->skel);
	if (r) {
		dp_err(err, errlen, "load BPF programs (pins under %s): %s", pin_dir,
		       strerror(-r));
		goto fail;
	}
	check_port_range();
	dp->ct_timeout_div = timeout_div();
	dp_set_ct_limits(dp, -1, -1);
	dp_qos_open(dp);
	r = dp_port_state_open(dp);	/* before the programs that read it */
	if (r) {
		dp_err(err, errlen, "port state: %s", strerror(-r));
		goto fail;
	}
	dp_uplink_slot_sync_all(dp);	/* before the programs that read it */
	reattach_all(dp);
	dp_uplink_slot_sync_all(dp);	/* the uplinks' XDP flags reattach_all set */
	dp_port_state_sync_all(dp);
	*ret = dp;
	return 0;
fail:
	dp_close(dp);
	return r < 0 ? r : -EINVAL;
}

void dp_close(struct datapath *dp)
{
	if (!dp)
		return;
	dp_links_release(dp->pin_dir);	/* their pins keep them */
	vnet__destroy(dp->skel);
	dp_gc_free(dp);
	free(dp->quota_prev);
	free(dp->quota6_prev);
	free(dp->ps_used);
	free(dp->ps_carry);
	free(dp);
}

/* Detach every recorded hook (pinned map -> ifindex list); uplink: 0
 * ports, 1 uplinks, 2 bridges. */
static void detach_recorded(const char *pin_dir, const char *map, int uplink)
{
	char path[PATH_MAX];
	__u32 key, next, *prev = NULL;
	__u8 val[64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, map);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, val))
			continue;
		int hook = uplink ? ((struct vnet_uplink *)val)->hook
				  : ((struct vnet_port *)val)->hook;

		if (uplink == 2)
			dp_detach_bridge(pin_dir, key);
		else
			dp_detach(pin_dir, key, hook, uplink);
	}
	close(fd);
}

int dp_purge(const char *pin_dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	detach_recorded(pin_dir, "port_map", 0);
	detach_recorded(pin_dir, "uplink_map", 1);
	detach_recorded(pin_dir, "bridge_map", 2);
	dp_links_release(pin_dir);	/* any left: unlinking their pins detaches them */
	d = opendir(pin_dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", pin_dir, de->d_name);
		unlink(path);	/* a link pin (XDP, tcx): unlinking detaches it */
	}
	closedir(d);
	if (rmdir(pin_dir) && errno != ENOENT)
		return -errno;
	return 0;
}

void dp_tick(struct datapath *dp)
{
	if (dp) {
		struct timespec a, b;

		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
		dp_gc(dp);
		dp_gc6(dp);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
		dp->gc_cpu_ns += (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
		dp_learn_expire(dp);
	}
	dp_repin(dp);
}
