// The usage and option texts (ipcheck.py's Usage() and Options(), brought up to date).
import { VERSION } from '../version.js';

export const USAGE = `ipcheck ${VERSION}: keeps dynamic DNS hosts pointing at this network's public address (NIC v2 / dyndns2)

Usage:  ipcheck [options] Username Password Hostnames
   or   ipcheck [options] --acctfile acct_info_file
   or   ipcheck demo | replay [-d dir] [--json] | status [-d dir] | clear [host] [-d dir]

Hostnames is a comma-separated list: myhost.dyndns.org,other.dyndns.org
Quick start:  ipcheck -r checkip.dyndns.org:8245 user password myhost.dyndns.org
Run it from cron every few minutes or from ppp ip-up: it only talks to the server when the
address changed, when the last update is 25 days old, or when asked to with -f.
`;

export const OPTIONS = `Address detection (the first that yields a usable address wins, in this order):
  -a address          use this address
  -A text             the address after the last "text" in the system log (/var/log/messages)
      --syslog-file F   read F instead of /var/log/messages or /var/log/syslog
  -F file             the WAN address from an iptables/nftables firewall log (IN= the -i interface)
      --firewall-pattern REGEX   one capture group, for other log formats
  --snmp agent,community,oid     walk an SNMP table (e.g. ipAdEntAddr) on the router
  --snmpget agent,community,oid  read one SNMP value holding the address
  router options      see --devices; -n host[:port] router address, -U user, --pfile
  --upnp [URL]        ask a UPnP Internet Gateway Device; --natpmp[=gateway] ask by NAT-PMP
  -r URL              a web check page (host[:port] or http(s) URL); at most every 10 minutes
  -i interface        an interface's address (default ppp0, the default method)
  -g                  send no address: the server uses the address the request comes from
  --allow-private     accept private, loopback, CGNAT and other non-public addresses
  --sources a,b,...   the chain in this order: address, syslog, firewall, snmp, snmpget,
                      router, upnp, natpmp, web, interface, guess

IPv6:
  --ipv4, --ipv6      the families to update (default IPv4 only; both for dual stack)
  --checkip6 URL      a web check page for the IPv6 address; -a v4,v6 gives both by hand
  --ipv6-param P      myip (default: myip=v4,v6) or myipv6 (a parameter of its own)
  --ipv6-suffix ::X   publish the detected /64 prefix with this interface identifier

Update request:
  --server URL        base URL of the dyndns2 service (default https://members.dyndns.org)
  -j                  plain HTTP instead of HTTPS (the password then travels unencrypted)
  -p                  use port 8245 (past transparent proxies)
  -s                  static DNS host (system=statdns);  -c  custom DNS (system=custom)
  -w                  wildcard=ON;  -b  backmx=YES;  -m mxhost  mail exchanger
  -o                  set the hosts offline (offline=YES)
  --timeout S         total time for one request, seconds (default 30)
  --ca FILE           also trust this CA certificate (PEM) for HTTPS

When to update:
  -f                  force an update now (still never during a wait or a latched error)
  --touch-days N      refresh an unchanged address after N days (default 25, 0 never)
  --min-interval S    never update a host more often than every S seconds (default 60, 0 off)
  --makedat           create ipcheck.dat from DNS (the first run does this by itself)
  -D                  also update when DNS differs from the detected address
  --dns-server H[:P]  the DNS server for --makedat and -D (default: the system resolver)

Continuous mode:
  --daemon            keep running: react to address changes as they happen (SIGHUP re-reads
                      the configuration, SIGUSR1 re-checks, SIGTERM stops)
  --interval S        how often polled methods are read (default 300; web pages at most every 600)
  --forward-remove-on-exit   remove the --forward mappings when the daemon stops

Files and output:
  -d dir              directory for ipcheck.dat, ipcheck.err, ipcheck.wait, ipcheck.html,
                      ipcheck.log and the event log (default: the current directory)
  -e script           run script after a successful update (IPCHECK_ADDRESS, IPCHECK_HOSTS,
                      IPCHECK_RESULTS in its environment); --script-timeout S (default 60)
  -l                  log to ipcheck.log;  --syslog  also to the system log
  -q                  quiet: no "update successful" lines;  -v  verbose: every step
  -t                  test run: show the request that would be sent, send nothing
  --acctfile file     "username password hostnames" from a file (keeps them out of ps)
  --config file       INI file with an [ipcheck] section (opt_* keys of ipcheck.py, or long options)
  -h                  this option list;  --help  everything;  --devices  the router options

Exit status: 0 updated or nothing to do; 1 bad input; 2 stopped by a fatal server answer
(ipcheck.err); 3 the server asked to wait (ipcheck.wait); 4 the update failed (network or
server error; the next run retries); 5 no usable address found.
`;
