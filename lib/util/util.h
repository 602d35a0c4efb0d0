/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The public interface of lib/util/ (one header per folder). */
#ifndef VNET_UTIL_UTIL_H
#define VNET_UTIL_UTIL_H

#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- log ---- */
/* Logging with a process prefix: stderr in the foreground, syslog when
 * daemonised. Libraries log only at debug level. */
enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_init(const char *ident, int use_syslog, enum log_level max);
void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

/* ---- fileutil ---- */
/* Small file helpers: crash-safe replacement, whole-file reads, mkdir -p. */
/* Replace path with data: write a temp file in the same directory, fsync,
 * rename over path, fsync the directory. After a crash the file is either
 * entirely old or entirely new. 0 or -errno. */
int file_write_atomic(const char *path, const void *data, size_t len, unsigned mode);
/* Append data to path (created with mode if missing), fsync it, and its
 * directory when the file is new: a journal's line is on disk when this
 * returns 0. -errno otherwise (a short write may leave a torn line: the
 * reader skips it). */
int file_append_sync(const char *path, const void *data, size_t len, unsigned mode);
/* file_write_atomic in steps, for a caller that syncs without blocking:
 * _begin writes data to the temp file, *ret_fd (to fsync); _commit, given
 * that sync's result err, closes it and renames it over path (or removes
 * it), and opens the directory, *ret_dirfd: path is durable once that is
 * fsynced. 0 or -errno (the temp file then gone). */
int file_atomic_begin(const char *path, const void *data, size_t len, unsigned mode,
		      int *ret_fd);
int file_atomic_commit(const char *path, int fd, int err, int *ret_dirfd);
/* Read a whole file (NUL-terminated, at most max bytes) into *ret. */
int file_read_all(const char *path, size_t max, char **ret, size_t *ret_len);
/* mkdir -p with the given mode for created components. */
int mkdir_p(const char *path, unsigned mode);

/* ---- fdsync ---- */
/* One fdatasync at a time in flight without blocking (Linux AIO, no
 * thread): start it, watch efd (readable when it completed), then
 * fdsync_done. Synchronous where the kernel refuses an AIO context. */
struct fdsync {
	uint64_t ctx; /* aio_context_t; 0: every sync is done in place */
	int efd;      /* eventfd signalled at completion, -1 if synchronous */
	int fd;	      /* the file being synced, -1 if none */
};
/* Always 0: no AIO is not an error (syncs are then synchronous). */
int fdsync_init(struct fdsync *s);
/* Start syncing fd (it must stay open until the sync completes): 1 if in
 * flight, 0 if done in place (*ret_err: 0 or -errno), -EBUSY if one is. */
int fdsync_start(struct fdsync *s, int fd, int *ret_err);
/* The same as fsync (the metadata too: a directory after a rename). */
int fdsync_start_full(struct fdsync *s, int fd, int *ret_err);
/* After efd was readable: 1 with *ret_err (0 or the sync's -errno) if the
 * sync completed, 0 if none is in flight or it is not done yet. */
int fdsync_done(struct fdsync *s, int *ret_err);
/* Block until the sync in flight completes: its 0 or -errno (0 if none). */
int fdsync_wait(struct fdsync *s);
/* Waits for a sync in flight. NULL is accepted. */
void fdsync_free(struct fdsync *s);

/* ---- macaddr ---- */
/* "52:54:00:ab:cd:ef" <-> 6 bytes. mac_parse returns 0 or -EINVAL. */
int mac_parse(const char *s, uint8_t mac[6]);
void mac_format(const uint8_t mac[6], char buf[18]);

/* ---- pidfile ---- */
/* Pid files of vnet's helper processes (vnetd's vde_switch, a user
 * network's supervisor): a pid file outlives a killed process and pids
 * are reused, so the pid alone proves nothing. */
/* The positive decimal pid at the start of path, else 0. */
pid_t pidfile_read(const char *path);

/* The pid in path if that process exists, we may signal it, and its name
 * (/proc/PID/comm) starts with comm; else 0. */
pid_t pidfile_running(const char *path, const char *comm);

/* ---- slirp_mac ---- */
/* The MAC libslirp answers ARP with for its own addresses: 52:55 and the
 * IPv4 address. User mode sources its DHCP and DNS replies from the gateway
 * with this MAC too, so a guest's ARP cache and its replies agree. */
void slirp_mac(struct in_addr ip, uint8_t mac[6]);

/* ---- sysctl ---- */
/* net.ipv4.conf.<dev>.forwarding = 1 in the caller's network namespace:
 * per device, never the global ip_forward. 0 or -errno. */
int ipv4_forwarding_on(const char *dev);
/* net.ipv4.conf.<dev>.forwarding: 0 or 1, or -errno (no such device). */
int ipv4_forwarding_get(const char *dev);
/* IPv6 forwarding on one device (never conf.all): forwarding = 1 (what
 * bpf_fib_lookup asks of the device a lookup arrives on) and, where the
 * kernel has it (6.17+), force_forwarding = 1 (the kernel then forwards
 * what arrives on the device whatever the global setting). A device whose
 * accept_ra is 1 gets 2 first: with forwarding on, 1 would stop the
 * router advertisements a host may learn its default route from (libvirt
 * refuses to start there instead). 0 or -errno. */
int ipv6_forwarding_on(const char *dev);
/* net.ipv6.conf.<dev>.NAME as an integer, or -errno. */
int ipv6_conf_get(const char *dev, const char *name);
/* net.ipv6.conf.<dev>.NAME = val. 0 or -errno (-ENOENT: no IPv6 on dev). */
int ipv6_conf_set(const char *dev, const char *name, int val);

/* ---- addr_quota ---- */
/* How much of a shared resource each client address holds, with a cap per
 * address: the DNS proxy's in-flight questions and TCP connections per
 * guest (issue 16.10). Pure, no I/O; memory grows with the number of
 * distinct holders only, and an address holding nothing takes none. */
struct addr_quota;

/* limit: units one address may hold (>= 1). NULL on OOM. */
struct addr_quota *addr_quota_new(unsigned limit);
void addr_quota_free(struct addr_quota *q); /* NULL accepted */

/* One more unit for a: 0; -EDQUOT if a holds limit already; -ENOMEM. */
int addr_quota_take(struct addr_quota *q, struct in_addr a);
/* Give one back (a unit never taken is ignored). */
void addr_quota_put(struct addr_quota *q, struct in_addr a);
unsigned addr_quota_held(const struct addr_quota *q, struct in_addr a);
/* Addresses holding at least one unit. */
size_t addr_quota_holders(const struct addr_quota *q);

/* ---- ratelimit ---- */
/* A token bucket for log lines a guest can cause (issue 16.6): a burst at
 * once, then one line per interval. What it holds back is counted, and the
 * count is handed to the caller with the next line it lets through. Pure:
 * the time is passed in. */
struct ratelimit {
	unsigned burst, interval_ms;
	unsigned tokens;
	uint64_t refill_ms;  /* when the last token was added */
	uint64_t suppressed; /* held back since the last line let through */
	int started;
};

#define RATELIMIT_INIT(b, ms) { .burst = (b), .interval_ms = (ms) }

/* 1: log now, and *held (if not NULL) is how many lines were held back
 * since the previous one; 0: hold this one back (counted). */
int ratelimit_ok(struct ratelimit *r, uint64_t now_ms, uint64_t *held);

/* ---- user_rundir ---- */
/* The run directory of one user-mode network ($XDG_RUNTIME_DIR/vnet/NET):
 * vnetctl creates and clears it, vnet-user runs in it. Both name its files
 * from here, so they cannot disagree. */
#define USER_RUNDIR_MAX 256 /* the directory's path, incl. NUL */

struct user_rundir {
	char dir[USER_RUNDIR_MAX];
	char def[USER_RUNDIR_MAX + 16];	   /* def.xml: the definition the stack (re)reads */
	char fwds[USER_RUNDIR_MAX + 16];   /* forwards: port forwards added at run time */
	char sw[USER_RUNDIR_MAX + 16];	   /* switch/: the VDE switch (QEMU's sock=) */
	char sw_ctl[USER_RUNDIR_MAX + 16]; /* switch/ctl: its socket, there once it is up */
	char ctl[USER_RUNDIR_MAX + 16];	   /* ctl.sock: the stack's control socket */
	char pid[USER_RUNDIR_MAX + 16];	   /* pid: the supervisor's */
	char log[USER_RUNDIR_MAX + 16];	   /* log: the processes' stderr */
};

/* Name the files of dir. -ENAMETOOLONG if dir does not fit. */
int user_rundir_init(struct user_rundir *r, const char *dir);

/* Remove the directory with everything in it, the switch's directory
 * included (a network that was stopped, or whose supervisor was killed,
 * leaves nothing). Deeper trees are not followed. 0, or -errno of the
 * final rmdir. */
int user_rundir_remove(const struct user_rundir *r);

/* An IPv4 UDP datagram from a packet socket (guest input: the IP layer
 * has not checked it). Not a fragment, header checksum right, lengths
 * within len; ports in host order, payload points into pkt. */
struct ipv4_udp {
	struct in_addr src, dst;
	uint16_t sport, dport;
	const uint8_t *payload;
	size_t len;
};
int ipv4_udp_parse(const uint8_t *pkt, size_t len, struct ipv4_udp *out);

/* Guests' UDP requests to a service on a bridge before the host's INPUT
 * chain (pktsock.c): a packet socket on ifname for IPv4 UDP to port (host
 * order), not fragments; needs CAP_NET_RAW. -errno on failure. */
int guest_udp_socket(const char *ifname, uint16_t port);
/* The ordinary socket that sends the answers receives nothing. */
int sock_no_receive(int fd);
/* Next datagram from guest_udp_socket's fd into buf, parsed into *u
 * (ipv4_udp_parse; copies for other hosts and malformed ones skipped): 1,
 * or -1 when drained. The caller checks u->dst. */
int guest_udp_recv(int fd, uint8_t *buf, size_t cap, struct ipv4_udp *u);
/* The same for up to n datagrams with one recvmmsg: datagram i into
 * bufs + i * cap; the ones kept are parsed into u[0..k). Returns k (0 when
 * all were skipped), or -1 when drained (nothing read). */
int guest_udp_recv_many(int fd, uint8_t *bufs, size_t cap, struct ipv4_udp *u, unsigned n);

#endif
