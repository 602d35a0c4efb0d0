/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Network XML: the seed networks parse to the expected model and round-trip
 * through netdef_format_xml(); everything outside the subset is refused
 * with a message naming the problem; hostile documents are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netdef/netdef.h"

static struct in_addr A(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct netdef *parse_ok(const char *xml)
{
	struct netdef *def = NULL;
	char err[256] = "";
	int r = netdef_parse_xml(xml, strlen(xml), &def, err, sizeof(err));

	if (r)
		fail_msg("parse failed (%d): %s\n%s", r, err, xml);
	assert_non_null(def);
	return def;
}

/* Format, parse back, compare, and check the output is a fixed point. */
static void round_trip(const struct netdef *def)
{
	char *text = netdef_format_xml(def), *again;
	struct netdef *back;

	assert_non_null(text);
	back = parse_ok(text);
	if (memcmp(def, back, sizeof(*def)))
		fail_msg("round trip differs:\n%s", text);
	again = netdef_format_xml(back);
	assert_non_null(again);
	assert_string_equal(text, again);
	free(again);
	free(back);
	free(text);
}

static void test_default(void **state)
{
	struct netdef *def = calloc(1, sizeof(*def));
	char err[128];

	netdef_default(def);
	assert_string_equal(def->name, "default");
	assert_string_equal(def->bridge, "vnbr0");
	assert_int_equal(def->mode, NETDEF_MODE_NAT);
	assert_int_equal(def->ip.s_addr, A("192.168.122.1").s_addr);
	assert_int_equal(def->prefix, 24);
	assert_int_equal(def->dhcp_start.s_addr, A("192.168.122.2").s_addr);
	assert_int_equal(def->dhcp_end.s_addr, A("192.168.122.254").s_addr);
	assert_string_equal(def->forward_dev, "");
	assert_int_equal(netdef_validate(def, err, sizeof(err)), 0);
	round_trip(def);
	free(def);
}

static const char seed_default[] =
	"<network>\n  <name>default</name>\n"
	"  <uuid>9A05DA11E96B47F38253A3A482E445F5</uuid>\n"
	"  <forward mode='nat'><nat><port start='1024' end='65535'/></nat></forward>\n"
	"  <bridge name='vnbr0' stp='on' delay='0'/>\n"
	"  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
	"    <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>\n"
	"  </ip>\n</network>\n";

static void test_seed_default_nat(void **state)
{
	struct netdef *def = parse_ok(seed_default);

	assert_string_equal(def->uuid, "9a05da11-e96b-47f3-8253-a3a482e445f5");
	assert_int_equal(def->mode, NETDEF_MODE_NAT);
	assert_int_equal(def->stp, 1);
	assert_int_equal(def->prefix, 24);
	assert_true(def->has_dhcp);
	assert_int_equal(def->lease_secs, 0);
	round_trip(def);
	free(def);
}

static const char seed_vtap[] =
	"<network><name>lab</name>\n"
	"  <forward dev='eth0'>\n"
	"    <portForward proto='tcp' port='8080' to='10.10.0.10' toPort='80'/>\n"
	"    <portForward proto='udp' port='5353' to='10.10.0.10'/>\n"
	"  </forward>\n"
	"  <bridge name='vnbr1'/><mtu size='1400'/><domain name='lab.test'/>\n"
	"  <dns><forwarder addr='10.0.0.53'/>\n"
	"    <host ip='10.10.0.10'><hostname>web</hostname><hostname> www </hostname></host>\n"
	"  </dns>\n"
	"  <ip address='10.10.0.1' prefix='24'><dhcp>\n"
	"    <range start='10.10.0.100' end='10.10.0.199'><lease expiry='1' unit='hours'/></range>\n"
	"    <host mac='52:54:00:00:00:01' ip='10.10.0.10' name='guest1'/>\n"
	"  </dhcp></ip>\n</network>";

static void test_seed_nat_vtap(void **state)
{
	struct netdef *def = parse_ok(seed_vtap);

	assert_int_equal(def->mode, NETDEF_MODE_NAT); /* no mode attribute */
	assert_string_equal(def->forward_dev, "eth0");
	assert_int_equal(def->mtu, 1400);
	assert_string_equal(def->domain, "lab.test");
	assert_int_equal(def->n_port_forwards, 2);
	assert_int_equal(def->port_forwards[0].proto, IPPROTO_TCP);
	assert_int_equal(def->port_forwards[0].host_port, 8080);
	assert_int_equal(def->port_forwards[0].guest_port, 80);
	assert_int_equal(def->port_forwards[1].proto, IPPROTO_UDP);
	assert_int_equal(def->port_forwards[1].guest_port, 5353); /* toPort defaults */
	assert_int_equal(def->n_forwarders, 1);
	assert_int_equal(def->forwarders[0].addr.v4.s_addr, A("10.0.0.53").s_addr);
	assert_int_equal(def->n_dns_hosts, 1);
	assert_int_equal(def->dns_hosts[0].n_names, 2);
	assert_string_equal(def->dns_hosts[0].names[1], "www");
	assert_int_equal(def->lease_secs, 3600);
	assert_int_equal(def->n_hosts, 1);
	assert_memory_equal(def->hosts[0].mac, "\x52\x54\x00\x00\x00\x01", 6);
	assert_string_equal(def->hosts[0].name, "guest1");
	round_trip(def);
	free(def);
}

static void test_seed_isolated(void **state)
{
	struct netdef *def = parse_ok(
		"<network><name>iso</name><bridge name='vnbr2'/>"
		"<ip address='172.16.5.1' netmask='255.255.255.0'><dhcp>"
		"<range start='172.16.5.10' end='172.16.5.50'><lease expiry='30'/></range>"
		"</dhcp></ip></network>");

	assert_int_equal(def->mode, NETDEF_MODE_ISOLATED);
	assert_int_equal(def->lease_secs, 1800); /* libvirt's default unit: minutes */
	round_trip(def);
	free(def);
}

static void test_seed_routed(void **state)
{
	struct netdef *def = parse_ok(
		"<network><name>routed</name><forward mode='route' dev='eth0'/>"
		"<bridge name='vnbr3' stp='off'/>"
		"<ip address='10.20.0.1' prefix='16'><dhcp>"
		"<range start='10.20.1.1' end='10.20.1.254'>"
		"<lease expiry='90' unit='seconds'/></range>"
		"<host mac='52:54:00:AA:BB:CC' ip='10.20.0.5' name='db'/>"
		"</dhcp></ip></network>");

	assert_int_equal(def->mode, NETDEF_MODE_ROUTE);
	assert_int_equal(def->prefix, 16);
	assert_int_equal(def->stp, 0);
	assert_int_equal(def->lease_secs, 90);
	assert_memory_equal(def->hosts[0].mac, "\x52\x54\x00\xaa\xbb\xcc", 6);
	round_trip(def);
	free(def);
}

static void test_seed_bridge(void **state)
{
	struct netdef *def = parse_ok("<network><name>host-bridge</name>"
				      "<forward mode='bridge'/><bridge name='ebr0'/></network>");

	assert_int_equal(def->mode, NETDEF_MODE_BRIDGE);
	assert_string_equal(def->bridge, "ebr0");
	assert_false(def->has_ip);
	round_trip(def);
	free(def);
}

/* libvirt's shipped default.xml template, verbatim. */
static void test_libvirt_template(void **state)
{
	struct netdef *def = parse_ok("<network>\n  <name>default</name>\n"
				      "  <bridge name='virbr0'/>\n  <forward/>\n"
				      "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
				      "    <dhcp>\n      <range start='192.168.122.2' "
				      "end='192.168.122.254'/>\n    </dhcp>\n  </ip>\n</network>\n");
	struct netdef *ref = calloc(1, sizeof(*ref));

	netdef_default(ref);
	strcpy(ref->bridge, "virbr0");
	assert_memory_equal(def, ref, sizeof(*def));
	free(ref);
	free(def);
}

/* The daemon fills in the bridge name, so "" must validate. */
static void test_no_bridge_name(void **state)
{
	struct netdef *def = parse_ok("<network><name>\n\t\t n</name><ip address='10.1.1.1' "
				      "prefix='24'/><forward/></network>");

	assert_string_equal(def->bridge, "");
	assert_string_equal(def->name, "n"); /* trimmed, no stale bytes behind it */
	round_trip(def);
	free(def);
}

static const struct bad {
	const char *xml, *msg;
} bad[] = {
	{ "<network><name>n</name><bandwidth><outbound peak='5'/></bandwidth></network>",
	  "<outbound> needs a nonzero average" },
	{ "<network><name>n</name><portgroup name='p'/><portgroup name='p'/></network>",
	  "duplicate <portgroup name='p'>" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='24'/>"
	  "<route address='1.2.3.0' prefix='24' gateway='1.1.1.1'/></network>",
	  "line 1: <route gateway='1.1.1.1'> is not inside any <ip> subnet" },
	{ "<network><name>n</name><virtualport type='openvswitch'/></network>",
	  "<virtualport> is not supported" },
	{ "<network><name>n</name><vlan><tag id='5'/></vlan></network>", "<vlan> is not supported" },
	{ "<network><name>n</name><mac address='01:54:00:01:02:03'/></network>",
	  "<mac address> must be a unicast" },
	{ "<network><bridge name='b'/></network>", "missing <name>" },
	{ "<network><name>n</name><name>m</name></network>", "duplicate <name> in <network>" },
	{ "<network ipv6='maybe'><name>n</name></network>", "invalid ipv6 'maybe' in <network>" },
	{ "<network><name>n</name><bridge name='b' macTableManager='x'/></network>",
	  "invalid macTableManager 'x' in <bridge>" },
	{ "<network><name>n</name><bridge name='b' foo='x'/></network>",
	  "line 1: unsupported attribute 'foo' in <bridge>" },
	{ "<network><name>bad name</name></network>", "invalid network name 'bad name'" },
	{ "<network><name>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</name>"
	  "</network>",
	  "<name> too long" },
	{ "<network><name>n</name><bridge name='abcdefghijklmnop'/></network>",
	  "too long in <bridge name>" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp/></ip>"
	  "<ip address='10.0.1.1' prefix='24'><dhcp/></ip></network>",
	  "a second IPv4 <ip> with <dhcp>" },
	{ "<network><name>n</name><ip family='ipv6' address='fd00::1' prefix='3'/></network>",
	  "invalid prefix /3 in <ip> (8..128)" },
	{ "<network><name>n</name><ip family='ipv6' address='10.0.0.1' prefix='64'/></network>",
	  "<ip address> is not an IPv6 address" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp>"
	  "<range start='x' end='10.0.0.9'/></dhcp></ip></network>",
	  "invalid IP address 'x' in <range start>" },
	{ "<network><name>n</name><forward mode='bridge'/><bridge name='br0'/>"
	  "<ip address='10.0.0.1' prefix='24'/></network>",
	  "<ip> is not allowed with forward mode 'bridge'" },
	{ "<network><name>n</name><forward mode='bridge'/></network>",
	  "forward mode 'bridge' requires <bridge name>" },
	{ "<network><name>n</name><forward mode='open'/></network>",
	  "forward mode 'open' requires an <ip>" },
	{ "<network><name>n</name><forward mode='nat' dev='e1'><interface dev='e2'/>"
	  "<interface dev='e1'/></forward><ip address='10.0.0.1' prefix='24'/></network>",
	  "<forward dev> is not the first <interface dev>" },
	{ "<network><name>n</name><forward mode='vepa'/></network>",
	  "unsupported forward mode 'vepa': vnet runs its own bridge" },
	{ "<network><name>n</name><forward mode='hostdev'/></network>",
	  "unsupported forward mode 'hostdev'" },
	{ "<network><name>n</name><ip address='10.0.0.0' prefix='24'/></network>",
	  "network or broadcast address" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp>"
	  "<range start='10.0.1.2' end='10.0.1.9'/></dhcp></ip></network>",
	  "is not inside 10.0.0.1/24" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp>"
	  "<range start='10.0.0.9' end='10.0.0.2'/></dhcp></ip></network>",
	  "start 10.0.0.9 is after end 10.0.0.2" },
	{ "<network><name>n</name><ip address='10.0.0.5' prefix='24'><dhcp>"
	  "<range start='10.0.0.2' end='10.0.0.9'/></dhcp></ip></network>",
	  "<range> contains the gateway 10.0.0.5" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp>"
	  "<host mac='52:54:00:00:00:01' ip='10.0.5.1'/></dhcp></ip></network>",
	  "<host ip='10.0.5.1'> is not a free address" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp>"
	  "<host mac='52:54:00:00:00:01' ip='10.0.0.7'/>"
	  "<host mac='52:54:00:00:00:01' ip='10.0.0.8'/></dhcp></ip></network>",
	  "duplicate MAC in <host ip='10.0.0.8'>" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp>"
	  "<host mac='52:54:00:00:00:01' ip='10.0.0.7'/>"
	  "<host mac='52:54:00:00:00:02' ip='10.0.0.7'/></dhcp></ip></network>",
	  "duplicate <host ip='10.0.0.7'>" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp>"
	  "<host mac='52:54:00:00:00:1' ip='10.0.0.7'/></dhcp></ip></network>",
	  "invalid MAC address '52:54:00:00:00:1'" },
	{ "<network><name>n</name><forward><portForward proto='tcp' port='0' to='10.0.0.7'/>"
	  "</forward><ip address='10.0.0.1' prefix='24'/></network>",
	  "needs nonzero ports" },
	{ "<network><name>n</name><forward mode='route'><portForward proto='tcp' port='80' "
	  "to='10.0.0.7'/></forward><ip address='10.0.0.1' prefix='24'/></network>",
	  "<portForward> requires <forward mode='nat'>" },
	{ "<network><name>n</name><forward><portForward proto='sctp' port='80' to='10.0.0.7'/>"
	  "</forward><ip address='10.0.0.1' prefix='24'/></network>",
	  "invalid proto 'sctp'" },
	/* forwards to a guest's IPv6 address (NAT66's) */
	{ "<network><name>n</name><forward><nat ipv6='yes'/>"
	  "<portForward proto='tcp' port='80' to='fd00:2::7'/></forward>"
	  "<ip address='10.0.0.1' prefix='24'/><ip family='ipv6' address='fd00:1::1' prefix='64'/>"
	  "</network>",
	  "line 1: <portForward to='fd00:2::7'> is not a guest address inside the subnet" },
	{ "<network><name>n</name><forward><nat ipv6='yes'/>"
	  "<portForward proto='tcp' port='80' to='fd00:1::1'/></forward>"
	  "<ip address='10.0.0.1' prefix='24'/><ip family='ipv6' address='fd00:1::1' prefix='64'/>"
	  "</network>",
	  "<portForward to='fd00:1::1'> is not a guest address inside the subnet" },
	{ "<network><name>n</name><forward><nat ipv6='yes'/>"
	  "<portForward proto='tcp' port='80' to='fd00:1::'/></forward>"
	  "<ip address='10.0.0.1' prefix='24'/><ip family='ipv6' address='fd00:1::1' prefix='64'/>"
	  "</network>",
	  "<portForward to='fd00:1::'> is not a guest address inside the subnet" },
	{ "<network><name>n</name><forward>\n<portForward proto='tcp' port='80' to='fd00:1::7'/>"
	  "</forward><ip address='10.0.0.1' prefix='24'/>"
	  "<ip family='ipv6' address='fd00:1::1' prefix='64'/></network>",
	  "line 2: <portForward to='fd00:1::7'> (IPv6) needs <nat ipv6='yes'>" },
	{ "<network><name>n</name><forward><nat ipv6='yes'/>"
	  "<portForward proto='tcp' port='80' to='10.0.0.7'/>"
	  "<portForward proto='tcp' port='80' to='fd00:1::7'/>"
	  "<portForward proto='tcp' port='79' portEnd='81' to='fd00:1::8'/></forward>"
	  "<ip address='10.0.0.1' prefix='24'/><ip family='ipv6' address='fd00:1::1' prefix='64'/>"
	  "</network>",
	  "duplicate <portForward proto='tcp' port='79'>" },
	{ "<network><name>n</name><forward><portForward proto='tcp' port='80' to='fd00::x'/>"
	  "</forward><ip address='10.0.0.1' prefix='24'/></network>",
	  "invalid IP address 'fd00::x' in <portForward to>" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp>"
	  "<range start='10.0.0.2' end='10.0.0.9'><lease expiry='30' unit='seconds'/></range>"
	  "</dhcp></ip></network>",
	  "lease time 30 s is below 60 s" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='31'/></network>",
	  "invalid prefix /31" },
	{ "<network><name>n</name><ip address='10.0.0.1' netmask='255.0.255.0'/></network>",
	  "not contiguous" },
	{ "<network><name>n</name><ip address='10.0.0.1' netmask='255.0.0.0' prefix='8'/></network>",
	  "both netmask and prefix" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp>"
	  "<range start='10.0.0.2' end='10.0.0.9'/><range start='10.0.0.9' end='10.0.0.29'/>"
	  "</dhcp></ip></network>",
	  "overlaps another <range>" },
	{ "<network><name>n</name><mtu size='10'/></network>", "invalid <mtu size='10'>" },
	{ "<network><name>n</name><bridge stp='maybe'/></network>", "invalid stp 'maybe'" },
	{ "<network><name>n</name><uuid>not-a-uuid</uuid></network>", "invalid UUID 'not-a-uuid'" },
	{ "<network><name>n</name><forward mode='route'><nat/></forward>"
	  "<ip address='10.0.0.1' prefix='24'/></network>",
	  "<nat> is only valid" },
	{ "<network><name>n</name>hello</network>", "unexpected text in <network>" },
	{ "<network><name>n</name><x:foo xmlns:x='urn:x'/></network>",
	  "unsupported element <x:foo> in <network>" },
	{ "<domain><name>n</name></domain>", "root element must be <network>, not <domain>" },
	{ "<network><name>n</name>", "XML parse error" },
	{ "", "empty XML document" },
	{ "<network><name>n</name><forward mode='nat'/></network>",
	  "forward mode 'nat' requires an <ip>" },
	{ "<network><name>n</name><dns><host ip='10.0.0.9'/></dns></network>",
	  "missing <hostname>" },
	{ "<network><name>n</name><dns><forwarder/></dns></network>",
	  "<forwarder> needs addr, domain or both" },
	{ "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp>"
	  "<host ip='10.0.0.9'/></dhcp></ip></network>",
	  "<host> needs a mac or a name" },
	{ "<network><name>n</name><dnsmasq:options xmlns:dnsmasq="
	  "'http://libvirt.org/schemas/network/dnsmasq/1.0'/></network>",
	  "<dnsmasq:options> is not supported: vnet does not run dnsmasq" },
	{ "<!doctype network><network><name>n</name></network>", "XML parse error" },
};

static void test_bad_inputs(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct netdef *def = (struct netdef *)1;
		char err[256] = "";
		int r = netdef_parse_xml(bad[i].xml, strlen(bad[i].xml), &def, err, sizeof(err));

		if (r != -EINVAL || def || !strstr(err, bad[i].msg) || strchr(err, '\n'))
			fail_msg("case %zu: r=%d err='%s', want '%s'", i, r, err, bad[i].msg);
	}
}

/* A value with a newline must not break the one-line error. */
static void test_error_one_line(void **state)
{
	const char *xml = "<network><name>n</name><ip address='10.0.0.1&#10;2' prefix='24'/></network>";
	struct netdef *def;
	char err[256];

	assert_int_equal(netdef_parse_xml(xml, strlen(xml), &def, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "invalid IP address '10.0.0.1?2' in <ip address>"));
}

static char *padded(size_t total)
{
	static const char head[] = "<network><name>big</name><!--", tail[] = "--></network>";
	char *xml = malloc(total + 1);

	assert_non_null(xml);
	memcpy(xml, head, sizeof(head) - 1);
	memset(xml + sizeof(head) - 1, 'x', total - sizeof(head) - sizeof(tail) + 2);
	memcpy(xml + total - sizeof(tail) + 1, tail, sizeof(tail));
	assert_int_equal(strlen(xml), total);
	return xml;
}

static void test_size_limit(void **state)
{
	char *xml = padded(1024 * 1024), err[256];
	struct netdef *def;

	assert_int_equal(netdef_parse_xml(xml, strlen(xml), &def, err, sizeof(err)), 0);
	assert_string_equal(def->name, "big");
	free(def);
	free(xml);
	xml = padded(1024 * 1024 + 1);
	assert_int_equal(netdef_parse_xml(xml, strlen(xml), &def, err, sizeof(err)), -EINVAL);
	assert_null(def);
	assert_non_null(strstr(err, "too large"));
	free(xml);
}

static void test_billion_laughs(void **state)
{
	static const char xml[] =
		"<?xml version='1.0'?>\n<!DOCTYPE network [\n"
		"<!ENTITY a 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'>\n"
		"<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>\n"
		"<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>\n"
		"<!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>\n"
		"<!ENTITY e '&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;'>\n"
		"<!ENTITY f '&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;'>\n"
		"<!ENTITY g '&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;'>\n"
		"]>\n<network><name>&g;</name></network>\n";
	static const char xxe[] = "<!DOCTYPE network [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
				  "<network><name>&x;</name></network>";
	static const char undecl[] = "<network><name>&x;</name></network>";
	struct netdef *def;
	char err[256];

	assert_int_equal(netdef_parse_xml(xml, strlen(xml), &def, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "DOCTYPE"));
	assert_int_equal(netdef_parse_xml(xxe, strlen(xxe), &def, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "DOCTYPE"));
	/* An undeclared entity is a plain well-formedness error. */
	assert_int_equal(netdef_parse_xml(undecl, strlen(undecl), &def, err,
					  sizeof(err)), -EINVAL);
}

/* UTF-16 smuggling of a DOCTYPE: NUL bytes are refused outright. */
static void test_nul_and_terminator(void **state)
{
	static const char x[] = "<network><name>n</name></network>";
	struct netdef *def;
	char err[256];

	assert_int_equal(netdef_parse_xml(x, sizeof(x), &def, err, sizeof(err)), 0);
	free(def);
	assert_int_equal(netdef_parse_xml("<\0n\0e\0t", 8, &def, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "NUL"));
}

/* Caps on repeated elements hold without overflowing the arrays. */
static void test_too_many_forwarders(void **state)
{
	const char *xml = "<network><name>n</name><dns><forwarder addr='1.1.1.1'/>"
			  "<forwarder addr='1.1.1.2'/><forwarder addr='1.1.1.3'/>"
			  "<forwarder addr='1.1.1.4'/><forwarder addr='1.1.1.5'/>"
			  "<forwarder addr='1.1.1.6'/><forwarder addr='1.1.1.7'/>"
			  "<forwarder addr='1.1.1.8'/><forwarder addr='1.1.1.9'/></dns></network>";
	struct netdef *def;
	char err[256];

	assert_int_equal(netdef_parse_xml(xml, strlen(xml), &def, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "too many <forwarder> (max 8)"));
}

static void test_validate_struct(void **state)
{
	struct netdef *def = calloc(1, sizeof(*def));
	char err[256];

	netdef_default(def);
	def->hosts[0].ip = A("192.168.122.10");
	def->hosts[0].has_mac = def->hosts[0].has_ip = 1;
	memcpy(def->hosts[0].mac, "\x52\x54\x00\x01\x02\x03", 6);
	def->n_hosts = 1;
	assert_int_equal(netdef_validate(def, err, sizeof(err)), 0);
	def->hosts[0].mac[0] = 0x01;
	assert_int_equal(netdef_validate(def, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "multicast"));
	def->hosts[0].mac[0] = 0x52;
	memset(def->name, 'a', sizeof(def->name)); /* unterminated */
	assert_int_equal(netdef_validate(def, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "missing <name>"));
	strcpy(def->name, "default");
	def->mode = NETDEF_MODE_ISOLATED;
	strcpy(def->forward_dev, "eth0");
	assert_int_equal(netdef_validate(def, err, sizeof(err)), -EINVAL);
	assert_string_equal(netdef_mode_name(NETDEF_MODE_BRIDGE), "bridge");
	free(def);
}

/* ---- libvirt's own test inputs (tests/netxml/, see its README) ---- */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* tests/netxml from the source tree: NETXML_DIR, or the usual places. */
static const char *netxml_dir(void)
{
	static const char *const dirs[] = { "tests/netxml", "../tests/netxml",
					    "../../tests/netxml", "../../../tests/netxml" };
	const char *env = getenv("NETXML_DIR");
	char probe[512];

	if (env)
		return env;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(probe, sizeof(probe), "%s/nat-network.xml", dirs[i]);
		if (!access(probe, R_OK))
			return dirs[i];
	}
	return "tests/netxml";
}

static const char *const libvirt_inputs[] = {
	"dhcp6-nat-network.xml", "dhcp6-network.xml", "dhcp6host-routed-network.xml",
	"empty-allow-ipv6.xml", "host-bridge-net.xml", "isolated-network.xml",
	"isolated-ports.xml", "leasetime-hours.xml", "leasetime-infinite.xml",
	"leasetime-minutes.xml", "leasetime-seconds.xml", "metadata.xml",
	"nat-network-dns-forward-plain.xml", "nat-network-dns-forwarder-no-resolv.xml",
	"nat-network-dns-forwarders.xml", "nat-network-dns-hosts.xml",
	"nat-network-dns-local-domain.xml", "nat-network-dns-srv-record-minimal.xml",
	"nat-network-dns-srv-record.xml", "nat-network-dns-txt-record.xml",
	"nat-network-explicit-flood.xml", "nat-network-forward-nat-ipv6.xml",
	"nat-network-forward-nat-no-address.xml", "nat-network-mtu.xml", "nat-network.xml",
	"netboot-network.xml", "netboot-proxy-network.xml", "netboot-tftp.xml",
	"open-network-with-forward-dev.xml", "open-network.xml", "ptr-domains-auto.xml",
	"routed-network.xml",
};

static void test_libvirt_inputs(void **state)
{
	char path[600];
	size_t i;

	for (i = 0; i < sizeof(libvirt_inputs) / sizeof(libvirt_inputs[0]); i++) {
		struct netdef *def;
		char *xml;

		snprintf(path, sizeof(path), "%s/%s", netxml_dir(), libvirt_inputs[i]);
		xml = slurp(path);
		if (!xml)
			fail_msg("cannot read %s", path);
		print_message("%s\n", libvirt_inputs[i]);
		def = parse_ok(xml);
		round_trip(def);
		free(def);
		free(xml);
	}
}

static const struct bad refused[] = {
	{ "8021Qbh-net.xml", "line 4: unsupported forward mode 'private': vnet runs its own bridge" },
	{ "hostdev.xml", "line 4: unsupported forward mode 'hostdev'" },
	{ "hostdev-pf-driver-model.xml", "unsupported forward mode 'hostdev'" },
	{ "openvswitch-net.xml", "line 5: <virtualport> is not supported" },
	{ "passthrough-address-crash.xml", "unsupported forward mode 'passthrough'" },
	{ "passthrough-pf.xml", "unsupported forward mode 'passthrough'" },
	{ "vepa-net.xml", "unsupported forward mode 'vepa'" },
	{ "dnsmasq-options.xml", "line 11: <dnsmasq:options> is not supported" },
};

static void test_libvirt_refused(void **state)
{
	char path[600];
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct netdef *def = NULL;
		char err[2048] = "", *xml;
		int r;

		snprintf(path, sizeof(path), "%s/refused/%s", netxml_dir(), refused[i].xml);
		xml = slurp(path);
		if (!xml)
			fail_msg("cannot read %s", path);
		r = netdef_parse_xml(xml, strlen(xml), &def, err, sizeof(err));
		if (r != -EINVAL || def || !strstr(err, refused[i].msg))
			fail_msg("%s: r=%d err='%s', want '%s'", refused[i].xml, r, err,
				 refused[i].msg);
		free(xml);
	}
}

/* One try names every problem of the document, each with its line. */
static void test_all_errors_with_lines(void **state)
{
	static const char xml[] =
		"<network>\n"						/* 1 */
		"  <name>n</name>\n"					/* 2 */
		"  <bridge name='b' foo='1'/>\n"			/* 3 */
		"  <mtu size='70000'/>\n"				/* 4 */
		"  <ip address='10.0.0.1' prefix='24'>\n"		/* 5 */
		"    <dhcp>\n"						/* 6 */
		"      <range start='10.0.0.2' end='10.0.0.9' bar='x'/>\n" /* 7 */
		"      <range start='10.0.1.2' end='10.0.1.9'/>\n"	/* 8 */
		"    </dhcp>\n"						/* 9 */
		"  </ip>\n"						/* 10 */
		"  <zzz/>\n"						/* 11 */
		"</network>\n";
	static const char sem[] =
		"<network>\n  <name>n</name>\n"
		"  <ip address='10.0.0.1' prefix='24'>\n"		/* 3 */
		"    <dhcp>\n"
		"      <range start='10.0.1.2' end='10.0.1.9'/>\n"	/* 5 */
		"      <host mac='01:00:00:00:00:01' ip='10.0.0.7'/>\n" /* 6 */
		"    </dhcp>\n  </ip>\n"
		"  <route address='10.9.0.0' prefix='16' gateway='10.8.0.1'/>\n" /* 9 */
		"</network>\n";
	struct netdef *def;
	char err[2048];

	assert_int_equal(netdef_parse_xml(xml, strlen(xml), &def, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "line 3: unsupported attribute 'foo' in <bridge>"));
	assert_non_null(strstr(err, "line 4: invalid number '70000' in <mtu size>"));
	assert_non_null(strstr(err, "line 7: unsupported attribute 'bar' in <range>"));
	assert_non_null(strstr(err, "line 11: unsupported element <zzz> in <network>"));
	assert_int_equal(netdef_parse_xml(sem, strlen(sem), &def, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "line 5: <range start='10.0.1.2' end='10.0.1.9'> is not inside"));
	assert_non_null(strstr(err, "line 6: <host ip='10.0.0.7'> has a multicast or zero MAC"));
	assert_non_null(strstr(err, "line 9: <route gateway='10.8.0.1'> is not inside"));
	/* a small buffer ends in "..." rather than a half line */
	assert_int_equal(netdef_parse_xml(xml, strlen(xml), &def, err, 60), -EINVAL);
	assert_non_null(strstr(err, "..."));
}

/* Every element vnet keeps, in one document, survives the round trip. */
static const char everything[] =
	"<network ipv6='yes' trustGuestRxFilters='no' connections='3' "
	"xmlns:vnet='http://vnet.dev/schemas/network/1.0'>\n"
	"  <name>all</name>\n  <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>\n"
	"  <title>All of it</title>\n  <description>line one\nline &amp; two</description>\n"
	"  <metadata><m:x xmlns:m='urn:m' a='1'><m:y>t</m:y></m:x></metadata>\n"
	"  <forward mode='nat' dev='eth0'>\n"
	"    <nat ipv6='yes'><address start='192.0.2.10' end='192.0.2.20'/>"
	"<port start='1024' end='2047'/></nat>\n"
	"    <interface dev='eth0'/>\n"
	"    <portForward proto='tcp' port='9000' portEnd='9010' to='10.1.0.10' toPort='9000'/>\n"
	"    <portForward proto='udp' port='9100' to='fd00:1::10' toPort='53'/>\n"
	"    <portForward proto='tcp' port='9000' to='fd00:1::10' toPort='9000'/>\n"
	"  </forward>\n"
	"  <bridge name='vnbr9' stp='on' delay='2' macTableManager='libvirt' zone='trusted'/>\n"
	"  <mtu size='9000'/>\n  <mac address='52:54:00:AA:00:01'/>\n"
	"  <domain name='all.test' localOnly='no' register='yes'/>\n"
	"  <dns enable='yes' forwardPlainNames='no'>\n"
	"    <forwarder addr='2001:db8::53'/><forwarder domain='corp' addr='10.9.9.9'/>"
	"<forwarder domain='local.corp'/>\n"
	"    <host ip='10.1.0.10'><hostname>a</hostname><hostname>b</hostname></host>\n"
	"    <host ip='fd00:1::10'><hostname>a</hostname></host>\n"
	"    <srv service='ldap' protocol='tcp' target='a.all.test' port='389' priority='1' "
	"weight='0'/>\n"
	"    <txt name='info' value='hello &apos;world&apos;'/>\n"
	"  </dns>\n"
	"  <bandwidth><inbound average='1000' peak='2000' burst='512' floor='100'/>"
	"<outbound average='500'/></bandwidth>\n"
	"  <port isolated='yes'/>\n"
	"  <ip address='10.1.0.1' netmask='255.255.255.0' localPtr='yes'>\n"
	"    <tftp root='/srv/tftp'/>\n"
	"    <dhcp>\n"
	"      <range start='10.1.0.100' end='10.1.0.149'><lease expiry='0'/></range>\n"
	"      <range start='10.1.0.150' end='10.1.0.199'><lease expiry='2' unit='hours'/></range>\n"
	"      <host mac='52:54:00:00:00:0a' ip='10.1.0.10' name='a'><lease expiry='5'/></host>\n"
	"      <host name='byname' ip='10.1.0.11'/>\n"
	"      <host mac='52:54:00:00:00:0c'><lease expiry='60' unit='seconds'/></host>\n"
	"      <bootp file='pxelinux.0' server='10.1.0.1'/>\n"
	"      <option number='42' value='10.1.0.1'/>\n"
	"    </dhcp>\n  </ip>\n"
	"  <ip address='10.2.0.1'/>\n"
	"  <ip family='ipv6' address='fd00:1::1' prefix='64'>\n"
	"    <dhcp><range start='fd00:1::100' end='fd00:1::1ff'/>"
	"<host id='0:1:0:1:2:3:4:5' name='six' ip='fd00:1::10'><lease expiry='1' unit='hours'/></host>"
	"</dhcp>\n  </ip>\n"
	"  <route address='10.50.0.0' prefix='16' gateway='10.1.0.2' metric='5'/>\n"
	"  <route family='ipv6' address='fd00:9::' prefix='64' gateway='fd00:1::2'/>\n"
	"  <portgroup name='web' default='yes'><bandwidth><inbound average='10'/></bandwidth>"
	"<port isolated='no'/><vnet:filter mode='strict'/><vnet:acl ingress='in1' egress='out1'/>"
	"</portgroup>\n"
	"  <portgroup name='db'/>\n"
	"  <vnet:filter mode='learn'/>\n  <vnet:acl egress='wan'/>\n"
	"  <vnet:hostAccess mode='services'><vnet:service proto='tcp' port='22'/>"
	"<vnet:service proto='udp' port='123'/></vnet:hostAccess>\n"
	"  <vnet:port dev='vif1' mac='52:54:00:00:00:0a' portgroup='web'>"
	"<vnet:ip address='10.1.0.10'/><vnet:ip address='fd00:1::10'/>"
	"<vnet:filter mode='off'/></vnet:port>\n"
	"  <vnet:port dev='vif2'/>\n"
	"</network>\n";

static void test_everything(void **state)
{
	struct netdef *def = parse_ok(everything);
	char *text;

	assert_int_equal(def->ipv6, NETDEF_YES);
	assert_string_equal(def->title, "All of it");
	assert_string_equal(def->description, "line one\nline & two");
	assert_non_null(strstr(def->metadata, "<m:x xmlns:m=\"urn:m\" a=\"1\"><m:y>t</m:y></m:x>"));
	assert_int_equal(def->nat_port_start, 1024);
	assert_int_equal(def->nat_addr_end.s_addr, A("192.0.2.20").s_addr);
	assert_int_equal(def->nat_ipv6, NETDEF_YES);
	assert_int_equal(def->n_forward_ifs, 1);
	assert_int_equal(def->port_forwards[0].host_port_end, 9010);
	assert_int_equal(def->stp, 1);
	assert_int_equal(def->delay, 2);
	assert_true(def->has_mac);
	assert_int_equal(def->mac[5], 1);
	assert_int_equal(def->domain_local_only, NETDEF_NO);
	assert_int_equal(def->n_forwarders, 3);
	assert_int_equal(def->forwarders[0].addr.family, AF_INET6);
	assert_string_equal(def->forwarders[2].domain, "local.corp");
	assert_int_equal(def->forwarders[2].addr.family, 0);
	assert_int_equal(def->n_dns_hosts, 2);
	assert_int_equal(def->dns_hosts[1].family, AF_INET6);
	assert_int_equal(def->n_srv, 1);
	assert_int_equal(def->srv[0].port, 389);
	assert_string_equal(def->txt[0].value, "hello 'world'");
	assert_int_equal(def->policy.bw.in.floor, 100);
	assert_int_equal(def->policy.isolated, NETDEF_YES);
	assert_int_equal(def->n_ips, 3);
	assert_int_equal(def->ips[1].prefix, 8); /* class A, as libvirt */
	assert_int_equal(def->ips[1].netmask_given, 2);
	assert_string_equal(def->ips[0].tftp_root, "/srv/tftp");
	assert_int_equal(def->n_ranges, 2);
	assert_int_equal(def->lease_secs, NETDEF_LEASE_INFINITE); /* legacy: first range */
	assert_true(def->has_ip && def->has_dhcp);
	assert_int_equal(def->ip.s_addr, A("10.1.0.1").s_addr);
	assert_int_equal(def->dhcp_end.s_addr, A("10.1.0.149").s_addr);
	assert_int_equal(def->n_hosts, 3);
	assert_false(def->hosts[1].has_mac);
	assert_false(def->hosts[2].has_ip);
	assert_int_equal(netdef_lease_secs(&def->hosts[0].lease), 300);
	assert_string_equal(def->bootp_file, "pxelinux.0");
	assert_int_equal(def->dhcp_options[0].code, 42);
	assert_int_equal(def->n_ranges6, 1);
	assert_int_equal(def->n_hosts6, 1);
	assert_string_equal(def->hosts6[0].id, "0:1:0:1:2:3:4:5");
	assert_int_equal(def->n_routes, 2);
	assert_int_equal(def->routes[0].metric, 5);
	assert_int_equal(def->n_portgroups, 2);
	assert_true(def->portgroups[0].is_default);
	assert_int_equal(def->portgroups[0].policy.filter, NETDEF_FILTER_STRICT);
	assert_string_equal(def->portgroups[0].policy.acl_out, "out1");
	assert_int_equal(def->policy.filter, NETDEF_FILTER_LEARN);
	assert_int_equal(def->host_access, NETDEF_HOST_SERVICES);
	assert_int_equal(def->n_host_services, 2);
	assert_int_equal(def->n_ports, 2);
	assert_int_equal(def->ports[0].n_ip4, 1);
	assert_int_equal(def->ports[0].n_ip6, 1);
	assert_int_equal(def->ports[0].policy.filter, NETDEF_FILTER_OFF);
	assert_non_null(strstr(def->warnings, "macTableManager"));
	assert_non_null(strstr(def->warnings, "zone"));
	round_trip(def);
	text = netdef_format_xml(def);
	assert_non_null(strstr(text, "<metadata>\n<m:x xmlns:m=\"urn:m\" a=\"1\"><m:y>t</m:y></m:x>\n"));
	free(text);
	free(def);
}

/* <vnet:overlay> (issue 22): parsed, printed back, and refused clearly. */
static const char overlay_xml[] =
	"<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'>\n"
	"  <name>span</name>\n  <forward mode='nat'/>\n"
	"  <bridge name='vnbr7'/>\n  <mac address='02:00:00:00:07:01'/>\n"
	"  <ip address='10.70.0.1' prefix='24'/>\n"
	"  <vnet:overlay vni='7000' asn='65000' nat='distributed'>\n"
	"    <vnet:underlay dev='eth0' local='10.99.0.1'/>\n"
	"    <vnet:peer address='10.99.0.2'/>\n    <vnet:peer address='10.99.0.3'/>\n"
	"  </vnet:overlay>\n</network>\n";

static void test_overlay(void **state)
{
	struct netdef *def = parse_ok(overlay_xml);
	char *text;

	(void)state;
	assert_true(def->overlay.enabled);
	assert_int_equal(def->overlay.vni, 7000);
	assert_int_equal(def->overlay.asn, 65000);
	assert_int_equal(def->overlay.nat, NETDEF_OVL_NAT_DISTRIBUTED);
	assert_string_equal(def->overlay.underlay_dev, "eth0");
	assert_int_equal(def->overlay.local.s_addr, A("10.99.0.1").s_addr);
	assert_int_equal(def->overlay.n_peers, 2);
	assert_int_equal(def->overlay.peers[1].s_addr, A("10.99.0.3").s_addr);
	round_trip(def);
	text = netdef_format_xml(def);
	assert_non_null(strstr(text, "<vnet:overlay vni='7000' asn='65000' nat='distributed'>"));
	assert_non_null(strstr(text, "xmlns:vnet="));
	free(text);
	/* the per-host part may be left out (vnetd's --underlay-local gives it) */
	memset(def->overlay.underlay_dev, 0, sizeof(def->overlay.underlay_dev));
	def->overlay.local.s_addr = 0;
	def->overlay.nat = NETDEF_OVL_NAT_UNSET;
	round_trip(def);
	free(def);
}

static void overlay_refused(const char *overlay, const char *mac, const char *want)
{
	char xml[1024], err[2048];
	struct netdef *def = NULL;

	snprintf(xml, sizeof(xml),
		 "<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'>\n"
		 "  <name>span</name>\n  <forward mode='nat'/>\n%s"
		 "  <ip address='10.70.0.1' prefix='24'/>\n%s\n</network>\n", mac, overlay);
	assert_int_equal(netdef_parse_xml(xml, strlen(xml), &def, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("want \"%s\" in:\n%s", want, err);
}

static void test_overlay_refused(void **state)
{
	static const char mac[] = "  <mac address='02:00:00:00:07:01'/>\n";

	(void)state;
	overlay_refused("<vnet:overlay vni='0' asn='1'><vnet:peer address='10.9.0.2'/></vnet:overlay>",
			mac, "line 6: <vnet:overlay vni> must be 1..16777215");
	overlay_refused("<vnet:overlay vni='16777216' asn='1'/>", mac,
			"invalid number '16777216' in <overlay vni>");
	overlay_refused("<vnet:overlay vni='5' asn='1'/>", mac, "needs at least one <vnet:peer>");
	overlay_refused("<vnet:overlay vni='5' asn='1'><vnet:peer address='10.9.0.2'/>"
			"</vnet:overlay>", "", "needs <mac address>: the anycast gateway");
	overlay_refused("<vnet:overlay vni='5' asn='1' nat='central'><vnet:peer address='10.9.0.2'/>"
			"</vnet:overlay>", mac, "invalid nat 'central' in <vnet:overlay>");
	overlay_refused("<vnet:overlay vni='5' asn='1'><vnet:peer address='fd00::2'/>"
			"</vnet:overlay>", mac, "an IPv6 underlay is not supported yet");
	overlay_refused("<vnet:overlay vni='5' asn='1'><vnet:peer address='10.9.0.2'/>"
			"<vnet:peer address='10.9.0.2'/></vnet:overlay>", mac,
			"duplicate <vnet:peer address='10.9.0.2'>");
	overlay_refused("<vnet:overlay vni='5' asn='1'><vnet:peer address='224.0.0.1'/>"
			"</vnet:overlay>", mac, "is not a unicast underlay address");
	overlay_refused("<vnet:overlay vni='5' asn='1'><vnet:peer address='10.9.0.2'/>"
			"<vnet:bogus/></vnet:overlay>", mac, "unsupported element <vnet:bogus>");
	overlay_refused("<vnet:overlay vni='5' asn='1'><vnet:peer address='10.9.0.2'/>"
			"</vnet:overlay><vnet:overlay vni='6' asn='1'><vnet:peer address='10.9.0.2'/>"
			"</vnet:overlay>", mac, "overlay");
}

/* <vnet:ula> (issue 18.1): with a prefix the network has the ULA's <ip>
 * (PREFIX::1/64, marked ula), printed back as the extension only. */
static void test_ula(void **state)
{
	static const char head[] = "<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'>"
				   "<name>u</name><bridge name='vnbru'/>";
	char xml[512], err[256];
	struct netdef *d;
	struct in6_addr want;
	char *text;

	(void)state;
	snprintf(xml, sizeof(xml), "%s<vnet:ula/></network>", head);
	d = parse_ok(xml);
	assert_true(d->ula.enabled);
	assert_false(d->ula.has_prefix);
	assert_int_equal(d->n_ips, 0); /* vnetd assigns it at define */
	round_trip(d);
	free(d);

	snprintf(xml, sizeof(xml), "%s<ip address='10.1.0.1' prefix='24'/>"
		 "<vnet:ula prefix='fd12:3456:789a:1::/64'/></network>", head);
	d = parse_ok(xml);
	assert_int_equal(d->n_ips, 2);
	assert_int_equal(d->ips[1].family, AF_INET6);
	assert_true(d->ips[1].ula);
	assert_int_equal(d->ips[1].prefix, 64);
	inet_pton(AF_INET6, "fd12:3456:789a:1::1", &want);
	assert_memory_equal(&d->ips[1].addr6, &want, 16);
	text = netdef_format_xml(d);
	assert_non_null(strstr(text, "<vnet:ula prefix='fd12:3456:789a:1::/64'/>"));
	assert_null(strstr(text, "family='ipv6'"));
	free(text);
	round_trip(d);
	free(d);

	static const char *const bad[] = { "2001:db8:1:2::/64", "fd12:3456:789a:1::/48",
					   "fd12:3456:789a:1::5/64", "fd12::zz/64", "fd12::" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(xml, sizeof(xml), "%s<vnet:ula prefix='%s'/></network>", head, bad[i]);
		d = NULL;
		assert_int_equal(netdef_parse_xml(xml, strlen(xml), &d, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "vnet:ula"));
	}
}

/* DHCP across hosts: each host's slice of the ranges, disjoint, covering all. */
static void test_overlay_dhcp_partition(void **state)
{
	static const char xml[] =
		"<network xmlns:vnet='http://vnet.dev/schemas/network/1.0'><name>span</name>"
		"<mac address='02:00:00:00:07:01'/>"
		"<ip address='10.70.0.1' prefix='24'><dhcp><range start='10.70.0.100' end='10.70.0.149'/>"
		"<range start='10.70.0.200' end='10.70.0.209'/></dhcp></ip>"
		"<vnet:overlay vni='7' asn='1'><vnet:peer address='10.99.0.3'/>"
		"<vnet:peer address='10.99.0.1'/><vnet:peer address='10.99.0.2'/></vnet:overlay></network>";
	struct netdef *def = parse_ok(xml), *part = malloc(sizeof(*def));
	unsigned idx, cnt, seen[256] = { 0 };

	(void)state;
	assert_int_equal(netdef_overlay_host_index(def, A("10.99.0.9"), &idx, &cnt), -ENOENT);
	for (int h = 1; h <= 3; h++) {
		char ip[16];

		snprintf(ip, sizeof(ip), "10.99.0.%d", h);
		assert_int_equal(netdef_overlay_host_index(def, A(ip), &idx, &cnt), 0);
		assert_int_equal(idx, (unsigned)h - 1);
		assert_int_equal(cnt, 3);
		memcpy(part, def, sizeof(*def));
		netdef_dhcp_partition(part, idx, cnt);
		assert_true(part->n_ranges >= 1);
		assert_int_equal(part->dhcp_start.s_addr, part->ranges[0].start.v4.s_addr);
		for (size_t r = 0; r < part->n_ranges; r++)
			for (uint32_t a = ntohl(part->ranges[r].start.v4.s_addr);
			     a <= ntohl(part->ranges[r].end.v4.s_addr); a++)
				seen[a & 0xff]++;
	}
	for (unsigned a = 0; a < 256; a++)
		assert_int_equal(seen[a], (a >= 100 && a <= 149) || (a >= 200 && a <= 209));
	/* 60 addresses: 20 each; host 2's slice spans .120-.139 */
	memcpy(part, def, sizeof(*def));
	netdef_dhcp_partition(part, 1, 3);
	assert_int_equal(part->n_ranges, 1);
	assert_int_equal(part->ranges[0].start.v4.s_addr, A("10.70.0.120").s_addr);
	assert_int_equal(part->ranges[0].end.v4.s_addr, A("10.70.0.139").s_addr);
	free(part);
	free(def);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ula),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_seed_default_nat),
		cmocka_unit_test(test_seed_nat_vtap),
		cmocka_unit_test(test_seed_isolated),
		cmocka_unit_test(test_seed_routed),
		cmocka_unit_test(test_seed_bridge),
		cmocka_unit_test(test_libvirt_template),
		cmocka_unit_test(test_no_bridge_name),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_error_one_line),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_nul_and_terminator),
		cmocka_unit_test(test_too_many_forwarders),
		cmocka_unit_test(test_validate_struct),
		cmocka_unit_test(test_libvirt_inputs),
		cmocka_unit_test(test_libvirt_refused),
		cmocka_unit_test(test_all_errors_with_lines),
		cmocka_unit_test(test_everything),
		cmocka_unit_test(test_overlay),
		cmocka_unit_test(test_overlay_refused),
		cmocka_unit_test(test_overlay_dhcp_partition),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
