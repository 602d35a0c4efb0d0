/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every metric family vnetd exports, declared once: the exposed name,
 * type, labels and help. The renderer (metrics.c) takes TYPE and HELP from
 * here and exports nothing that is not listed (an undeclared family is
 * logged once and left out); docs/metrics.md is checked against this list
 * by tests/system/metrics.sh. Adding a counter to a service's JSON means
 * adding its family here and a row to docs/metrics.md. */
#ifndef VNET_METRICS_FAMILIES_H
#define VNET_METRICS_FAMILIES_H

enum metric_type { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM };

/* X(name, type, labels, help) */
#define VNET_METRIC_FAMILIES(X)                                                                  \
	X("vnet_build_info", GAUGE, "version", "vnet build information.")                        \
	X("vnet_start_time_seconds", GAUGE, "", "Start time of vnetd since the Unix epoch.")     \
	X("vnet_metrics_http_connections_total", COUNTER, "event",                               \
	  "Metrics endpoint connections by event.")                                               \
	X("vnet_metrics_http_connections_open", GAUGE, "", "Metrics endpoint connections open now.") \
	X("vnet_privsep_events_total", COUNTER, "event",                                         \
	  "Service child events: starts, exits, kills by the core, messages rejected or stale, "   \
	  "requests that timed out.")                                                             \
	X("vnet_network_active", GAUGE, "network", "1 if the network is running.")               \
	X("vnet_network_ports", GAUGE, "network", "Guest ports attached.")                       \
	X("vnet_overlay_remote_vteps", GAUGE, "network",                                        \
	  "A network spanning hosts: remote VTEPs on its VXLAN device (EVPN).")                   \
	X("vnet_overlay_remote_macs", GAUGE, "network",                                         \
	  "A network spanning hosts: remote guests' MACs on its VXLAN device (EVPN).")            \
	X("vnet_overlay_vtep_up", GAUGE, "network,vtep",                                        \
	  "A network spanning hosts: 1 while the remote VTEP has routes on the VXLAN device.")     \
	X("vnet_overlay_vtep_macs", GAUGE, "network,vtep",                                      \
	  "A network spanning hosts: remote guests' MACs behind the VTEP.")                      \
	X("vnet_overlay_vtep_tx_packets_total", COUNTER, "network,vtep",                         \
	  "A network spanning hosts: packets the data path sent to the remote VTEP (fast path).") \
	X("vnet_overlay_vtep_tx_bytes_total", COUNTER, "network,vtep",                           \
	  "A network spanning hosts: bytes on the underlay (inner frame + 50) sent to the VTEP.") \
	X("vnet_overlay_macs_withdrawn_total", COUNTER, "network",                              \
	  "A network spanning hosts: remote MACs removed from the data path (routes withdrawn).") \
	X("vnet_overlay_vteps_gone_total", COUNTER, "network",                                  \
	  "A network spanning hosts: remote VTEPs that left the VXLAN device's fdb.")            \
	X("vnet_network_packets_total", COUNTER, "network,family,direction",                     \
	  "IPv4 and IPv6 packets received on the network's ports (rx) and redirected to them by " \
	  "the data path (tx).")                                                                  \
	X("vnet_repairs_forwarding_total", COUNTER, "network",                                   \
	  "IPv4 or IPv6 forwarding turned back on on the bridge or uplink.")                             \
	X("vnet_repairs_bridge_recreated_total", COUNTER, "network",                             \
	  "Bridge deleted by hand and re-created.")                                              \
	X("vnet_repairs_bridge_not_ours_total", COUNTER, "network",                              \
	  "A device vnet did not create took the bridge's name (left alone).")                   \
	X("vnet_repairs_leases_rebound_total", COUNTER, "network",                               \
	  "Leases bound again when their port's device was re-added.")                           \
	X("vnet_forward_relay_connections_total", COUNTER, "network",                            \
	  "Hairpin relay: connections to a forwarded port relayed to the guest.")                \
	X("vnet_forward_relay_refused_cap_total", COUNTER, "network",                            \
	  "Hairpin relay: connections closed at once, the port's cap was reached.")              \
	X("vnet_forward_relay_connect_failed_total", COUNTER, "network",                         \
	  "Hairpin relay: the guest refused or did not answer.")                                 \
	X("vnet_forward_relay_idle_closed_total", COUNTER, "network",                            \
	  "Hairpin relay: connections closed after the idle timeout.")                           \
	X("vnet_forward_relay_listen_failed_total", COUNTER, "network",                          \
	  "Hairpin relay: forwarded ports that could not be bound on the uplink address.")       \
	X("vnet_forward_relay_active", GAUGE, "network", "Hairpin relay: connections open now.") \
	X("vnet_forward_relay_listeners", GAUGE, "network", "Hairpin relay: ports listening now.") \
	X("vnet_port_packets_total", COUNTER, "network,port,direction",                          \
	  "Packets seen by the port program.")                                                   \
	X("vnet_port_bytes_total", COUNTER, "network,port,direction",                            \
	  "Bytes seen by the port program.")                                                     \
	X("vnet_port_path_packets_total", COUNTER, "network,port,path",                          \
	  "Packets redirected by the data path (fast) or passed to the kernel (slow).")          \
	X("vnet_port_path_bytes_total", COUNTER, "network,port,path",                            \
	  "Bytes redirected by the data path (fast) or passed to the kernel (slow).")            \
	X("vnet_port_drops_total", COUNTER, "network,port", "Drops on the port, all reasons.")   \
	X("vnet_port_qos_paced_packets_total", COUNTER, "network,port",                          \
	  "Inbound packets held back by the port's <bandwidth> (EDT pacing).")                   \
	X("vnet_port_qos_dropped_packets_total", COUNTER, "network,port",                        \
	  "Inbound packets dropped: their departure time was beyond the pacing horizon.")        \
	X("vnet_port_qos_policed_packets_total", COUNTER, "network,port",                        \
	  "Packets over the port's or its network's rate + burst where there is no queue.")      \
	X("vnet_drops_total", COUNTER, "network,reason",                                         \
	  "Drops by reason (no network label: drops that belong to no network).")                \
	X("vnet_conntrack_entries", GAUGE, "network", "The network's conntrack entries (two a flow).") \
	X("vnet_conntrack_table_entries", GAUGE, "", "Entries in the conntrack table all networks share.") \
	X("vnet_conntrack_max_entries", GAUGE, "", "Size of the shared conntrack table.")        \
	X("vnet_conntrack_created_total", COUNTER, "network", "Flows created.")                  \
	X("vnet_conntrack_expired_total", COUNTER, "network", "Flows collected.")                \
	X("vnet_conntrack_failed_total", COUNTER, "network", "Flows refused (table full).")      \
	X("vnet_conntrack_evicted_total", COUNTER, "network",                                    \
	  "Weak flows (half open, closed, unanswered) evicted from a full table or capped guest.") \
	X("vnet_conntrack_nat_created_total", COUNTER, "network", "SNAT translations made.")     \
	X("vnet_conntrack_dnat_hits_total", COUNTER, "network", "Port-forward hits.")            \
	X("vnet_conntrack_uplink_pass_total", COUNTER, "",                                      \
	  "Packets on an uplink that are the host's (passed untouched).")                        \
	X("vnet_conntrack_uplink_xdp_total", COUNTER, "network",                                 \
	  "Packets the uplink's XDP program redirected into a guest port.")                      \
	X("vnet_conntrack_uplink_xdp_tc_total", COUNTER, "network",                              \
	  "Packets the uplink's XDP program handed to its tc program (no XDP path for them).")  \
	X("vnet_dhcp_messages_total", COUNTER, "network,direction,type", "DHCP messages by type.") \
	X("vnet_dhcp_active_leases", GAUGE, "network", "Leases bound.")                          \
	X("vnet_dhcp_pool_size", GAUGE, "network", "Addresses in the DHCP range.")               \
	X("vnet_dhcp_pool_exhausted_total", COUNTER, "network", "DISCOVERs with no free address.") \
	X("vnet_dhcp_declines_total", COUNTER, "network", "DHCPDECLINEs honoured.")              \
	X("vnet_dhcp_bad_packets_total", COUNTER, "network", "Malformed DHCP messages.")         \
	X("vnet_dhcp_ignored_total", COUNTER, "network",                                         \
	  "DHCP messages ignored (not for this server, wrong state).")                           \
	X("vnet_dhcp_release_ignored_total", COUNTER, "network",                                 \
	  "RELEASEs that named no lease of the client.")                                         \
	X("vnet_dhcp_wrong_port_total", COUNTER, "network",                                      \
	  "Messages for a client whose offer or lease is held on another port.")                 \
	X("vnet_dhcp_port_limit_total", COUNTER, "network",                                      \
	  "DISCOVERs/REQUESTs refused: the port holds its limit of client MACs.")               \
	X("vnet_dhcp_unknown_port_total", COUNTER, "network",                                    \
	  "Messages whose arrival port the data path did not note.")                            \
	X("vnet_dhcp_store_bad_lines_total", COUNTER, "network", "Lease file lines skipped on load.") \
	X("vnet_dhcp_store_errors_total", COUNTER, "network", "Lease file write errors.")        \
	X("vnet_dhcp6_active_leases", GAUGE, "network", "DHCPv6 leases bound.")                   \
	X("vnet_dhcp6_no_addrs_total", COUNTER, "network",                                       \
	  "DHCPv6 IA_NAs answered NoAddrsAvail: no address left.")                               \
	X("vnet_dhcp6_bad_packets_total", COUNTER, "network", "DHCPv6 messages that did not parse.") \
	X("vnet_dhcp6_ignored_total", COUNTER, "network",                                        \
	  "DHCPv6 messages for another server, or not for a server.")                            \
	X("vnet_dhcp6_declines_total", COUNTER, "network", "DHCPv6 DECLINEs honoured.")          \
	X("vnet_dhcp6_port_limit_total", COUNTER, "network",                                     \
	  "DHCPv6 bindings refused: the port holds its limit.")                                  \
	X("vnet_dhcp6_wrong_port_total", COUNTER, "network",                                     \
	  "DHCPv6 messages about a binding held on another port.")                              \
	X("vnet_dns_queries_total", COUNTER, "network,type", "DNS queries by type.")             \
	X("vnet_dns_queries_transport_total", COUNTER, "network,transport", "DNS queries over udp/tcp.") \
	X("vnet_dns_local_answers_total", COUNTER, "network", "Queries answered from local names.") \
	X("vnet_dns_forwarded_total", COUNTER, "network", "Queries forwarded upstream.")         \
	X("vnet_dns_merged_total", COUNTER, "network",                                           \
	  "Queries merged into an identical one in flight.")                                     \
	X("vnet_dns_nxdomain_total", COUNTER, "network", "NXDOMAIN answers.")                    \
	X("vnet_dns_nodata_total", COUNTER, "network", "NODATA answers.")                        \
	X("vnet_dns_servfail_total", COUNTER, "network", "SERVFAIL answers.")                    \
	X("vnet_dns_refused_total", COUNTER, "network", "REFUSED answers.")                      \
	X("vnet_dns_notimp_total", COUNTER, "network", "NOTIMP answers.")                        \
	X("vnet_dns_formerr_total", COUNTER, "network", "FORMERR answers.")                      \
	X("vnet_dns_truncated_total", COUNTER, "network", "Answers truncated for UDP.")          \
	X("vnet_dns_dropped_total", COUNTER, "network", "Queries dropped unanswered.")           \
	X("vnet_dns_pending_full_total", COUNTER, "network",                                     \
	  "Queries dropped because the table of questions in flight was full.")                  \
	X("vnet_dns_guest_pending_full_total", COUNTER, "network",                               \
	  "Queries REFUSED because one guest held its share of questions in flight.")            \
	X("vnet_dns_cache_hits_total", COUNTER, "network", "Answers from the cache.")            \
	X("vnet_dns_cache_misses_total", COUNTER, "network", "Cache misses.")                    \
	X("vnet_dns_cache_entries", GAUGE, "network", "Entries in the cache.")                   \
	X("vnet_dns_tcp_accepted_total", COUNTER, "network", "TCP connections accepted.")        \
	X("vnet_dns_tcp_rejected_total", COUNTER, "network", "TCP connections over the global cap.") \
	X("vnet_dns_tcp_guest_rejected_total", COUNTER, "network",                               \
	  "TCP connections closed because one guest held its share.")                            \
	X("vnet_dns_tcp_closed_idle_total", COUNTER, "network", "TCP connections closed idle.")  \
	X("vnet_dns_tcp_closed_error_total", COUNTER, "network", "TCP connections closed on an error.") \
	X("vnet_dns_upstream_timeouts_total", COUNTER, "network", "Upstream queries timed out.") \
	X("vnet_dns_upstream_failures_total", COUNTER, "network", "Upstream queries failed.")    \
	X("vnet_dns_upstream_tcp_retries_total", COUNTER, "network",                             \
	  "Truncated upstream answers retried over TCP.")                                        \
	X("vnet_dns_bad_replies_total", COUNTER, "network", "Upstream replies ignored as bad.")   \
	X("vnet_dns_lease_names_refused_total", COUNTER, "network,reason",                       \
	  "DHCP hostnames not published as DNS names.")                                          \
	X("vnet_dns_lease_name_entries", GAUGE, "network", "DNS names published from leases.")   \
	X("vnet_dns_upstream_latency_seconds", HISTOGRAM, "network",                             \
	  "Upstream DNS answer latency.")

struct metric_family {
	const char *name;	/* as exposed: counters end in _total */
	enum metric_type type;
	const char *labels;	/* comma-separated label names */
	const char *help;
};

/* The declared family that samples named family (without _total) belong
 * to, or NULL. */
const struct metric_family *metric_family_find(const char *family);

#endif
