// The --devices text, laid out as the original's Devices(): how the router is found, one line
// per device option (in the original's order), then -U and --forward. The SNMP paragraph
// belongs to the SNMP source and is appended by the CLI.
import { deviceById } from './device-table.js';

const HELP_ORDER = [
  'B', 'B+VWBR', 'C', 'E', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'S+WBR', 'T',
  'V', 'W', 'X', 'Y', 'Z', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'WTG624', 'VT1000v', 'Draytek',
  'Netvanta', 'Belkin_f5d7230',
];

const INDENT = '         ';

export function devicesHelp(): string {
  const lines = HELP_ORDER.map((id) => deviceById(id)?.help ?? '')
    .filter((help) => help !== '')
    .flatMap((help) => help.split('\n'))
    .map((line) => INDENT + line);
  return [
    'The script will locate the address of your router automatically by',
    'looking at the default route of the machine you are running on (-n host[:port]',
    'names it instead). Then it will read the status page for the external IP address',
    'and use that for updates.  You need to specify the admin password',
    'with the appropriate option.',
    '',
    `${INDENT}--pfile        device password below is actually a filename`,
    ...lines,
    '',
    'You can change the default username for the above devices with:',
    '',
    `${INDENT}-U username    override the default NAT router username`,
    `${INDENT}               leave this option out to use the default`,
    '',
    `${INDENT}--forward port[/protocol],...`,
    'Ports to be forward from your router to this machine: over telnet with -T',
    '(they stay set until the router is turned off), else by NAT-PMP (--natpmp) or UPnP.',
    'Defaults to tcp protocol. example: -T password --forward=80,8080/udp',
    '',
  ].join('\n');
}
