// Devices read over their telnet console (reference §11.5): the original's dialogues, with the
// prompts it waited for. Where it typed ahead without waiting (Cisco, ZyXEL 642R, Netvanta),
// the dialogue waits for the prompt, so a slow console cannot swallow a command; the Cisco
// honours -n (the original's `Cisco_host` NameError).
import type { Anchor, DeviceOption, TelnetQuery } from './device-types.js';

const last = (...after: string[]): Anchor => ({ after, occurrence: 'last' });
const first = (...after: string[]): Anchor => ({ after, occurrence: 'first' });
const atPrompt = (command: string, prompt: string, ...anchors: Anchor[]): TelnetQuery => ({
  command, until: prompt, untilPrompt: true, anchors,
});
const zyxelAnchors = [last('wanif0'), last('enif1')];

export const TELNET_DEVICES: readonly DeviceOption[] = [
  {
    id: 'Y', flag: '-Y', argument: 'password', model: 'Cayman DSL 3220-H',
    help: '-Y password    Cayman DSL 3220H NAT router password',
    usualAddress: '192.168.1.254', defaultUser: 'admin',
    access: {
      method: 'telnet', port: 23, eol: '\r\n', negotiation: 'refuse', passwordPrompt: 'assword:',
      login: [{ expect: 'ogin:' }, { send: '{user}' }, { expect: 'assword:' }, { sendPassword: true, thenExpect: '>' }],
      queries: [atPrompt('show ip interface', '>', last('PPP'))],
      bye: ['exit'],
    },
  },
  {
    id: '3', flag: '-3', argument: 'password', model: 'Netgear RT338 ISDN',
    help: '-3 password    Netgear RT338 ISDN router',
    access: {
      method: 'telnet', port: 23, eol: '\r\n', negotiation: 'refuse', passwordPrompt: 'assword:',
      login: [
        { expect: 'assword:' }, { sendPassword: true, thenExpect: 'Number:' },
        { send: '24' }, { expect: 'Number:' }, { send: '8' }, { expect: 'router>' },
      ],
      queries: [atPrompt('ip ifconfig', 'router>', ...zyxelAnchors)],
    },
  },
  {
    id: '4', flag: '-4', argument: 'password', model: 'Gnet BB0040',
    help: '-4 password    Gnet model BB0040 ADSL router password',
    usualAddress: '192.168.1.254',
    access: {
      method: 'telnet', port: 23, eol: '\r\n', negotiation: 'refuse', passwordPrompt: 'assword:',
      login: [{ expect: 'assword:' }, { sendPassword: true, thenExpect: '>' }],
      queries: [atPrompt('ip subnet', '>', last('subnet ppp_device'))],
      bye: ['@close'],
    },
  },
  {
    id: 'K', flag: '-K', argument: 'password', model: 'Compex NetPassage 15',
    help: '-K password    Compex NetPassage 15',
    usualAddress: '192.168.168.1',
    access: {
      method: 'telnet', port: 23, eol: '\r\n', negotiation: 'refuse', passwordPrompt: 'assword:',
      login: [{ expect: 'assword:' }, { sendPassword: true, thenExpect: 'ommand>' }],
      queries: [atPrompt('show ip', 'ommand>', last('WAN'))],
      bye: ['exit'],
    },
  },
  {
    id: 'J', flag: '-J', argument: 'password', model: 'ZyXEL Prestige 642ME',
    help: '-J password    ZyXEL prestige 642ME router password',
    usualAddress: '192.168.1.1',
    access: {
      method: 'telnet', port: 23, eol: '\r\n', negotiation: 'refuse', passwordPrompt: 'assword:',
      login: [{ expect: 'assword:' }, { sendPassword: true, thenExpect: '>' }],
      queries: [atPrompt('ip ifconfig', '>', ...zyxelAnchors)],
      bye: ['exit'],
    },
  },
  {
    id: 'Z', flag: '-Z', argument: 'password', model: 'ZyXEL Prestige 642R/310, Zywall 10',
    help: '-Z password    ZyXEL 642R and Zywall 10 router password',
    usualAddress: '192.168.1.1',
    access: {
      method: 'telnet', port: 23, eol: '\r\n', negotiation: 'refuse', passwordPrompt: 'assword:',
      login: [
        { expect: 'assword:' }, { sendPassword: true, thenExpect: 'Number:' },
        { send: '24' }, { expect: 'Number:' }, { send: '8' }, { expect: '>' },
      ],
      queries: [atPrompt('ip ifconfig', '>', ...zyxelAnchors)],
      bye: ['exit', '99'],
    },
  },
  {
    id: 'Q', flag: '-Q', argument: 'password,interface', model: 'Nortel Instant Internet',
    help: '-Q pword,iface password and interface for Instant Internet',
    usualAddress: '192.168.1.1',
    access: {
      method: 'telnet', port: 23, eol: '\r\n', negotiation: 'refuse', passwordPrompt: 'assword:',
      login: [{ expect: 'assword:' }, { sendPassword: true }],
      queries: [{ command: 'ppp {interface}', until: 'state:', anchors: [last('ipadr local:')] }],
      bye: ['exit'],
    },
  },
  {
    id: 'Netvanta', flag: '--Netvanta', argument: 'password', model: 'Adtran Netvanta',
    help: "--Netvanta=password\n                Adtran Netvanta series routers,\n                both telnet and 'enable' passwords\n                must be configured to be same value",
    usualAddress: '192.168.1.1',
    access: {
      method: 'telnet', port: 23, eol: '\r\n', negotiation: 'refuse', passwordPrompt: 'assword:',
      login: [
        { expect: 'assword:' }, { sendPassword: true, thenExpect: '>' },
        { send: 'enable' }, { expect: 'assword:' }, { sendPassword: true, thenExpect: '#' },
      ],
      queries: [{ command: 'show interface ethernet 0/1', until: ', netmask', anchors: [last('Internet address is ')] }],
      bye: ['logo'],
    },
  },
  {
    id: 'C', flag: '-C', argument: 'password', model: 'Cisco 667i / 800 series (IOS)',
    help: '-C password    Cisco (667i) DSL router password',
    usualAddress: '192.168.10.5',
    access: {
      method: 'telnet', port: 23, eol: '\r\n', negotiation: 'refuse', passwordPrompt: 'assword:',
      login: [{ expect: 'assword:' }, { sendPassword: true, thenExpect: '>' }],
      queries: [atPrompt('show ip interface | incl /32', '>', last('Internet address is '))],
      bye: ['logo'],
    },
  },
  {
    id: 'I', flag: '-I', argument: 'password', model: 'Cisco 700 series ISDN',
    help: '-I password    Cisco (700 series) ISDN router password',
    usualAddress: '192.168.10.5',
    access: {
      method: 'telnet', port: 23, eol: '\r\n', negotiation: 'refuse', passwordPrompt: 'assword:',
      login: [{ expect: 'assword:' }, { sendPassword: true, thenExpect: '>' }],
      queries: [atPrompt('show ip co', '>', last('RemoteNet'))],
      bye: ['bye'],
    },
  },
  {
    id: '1', flag: '-1', argument: 'password', model: 'DLink DSL504',
    help: '-1 password    DLink DSL504 password',
    usualAddress: '192.168.0.1',
    access: {
      method: 'telnet', port: 23, eol: '\r', negotiation: 'refuse', passwordPrompt: 'assword:',
      login: [{ expect: 'assword: ' }, { sendPassword: true, thenExpect: '>' }, { send: 'home' }, { expect: '>' }],
      queries: [atPrompt('nat interfaces', '>', first('ppp_device Enabled'))],
      bye: ['@close'],
    },
  },
  {
    id: '7', flag: '-7', argument: 'password', model: 'DLink DI701',
    help: '-7 password    DLink DI701 password',
    usualAddress: '192.168.1.1',
    access: {
      method: 'telnet', port: 333, eol: '\r', negotiation: 'refuse', passwordPrompt: 'assword :',
      login: [{ expect: 'assword : ' }, { sendPassword: true, thenExpect: 'command>' }],
      queries: [{ command: 'show', until: ']', anchors: [first('address of global port : [')] }],
    },
  },
  {
    id: 'T', flag: '-T', argument: 'password', model: 'Alcatel Speed Touch Pro',
    help: '-T password    Alcatel Speed Touch Pro password\n                (you can also try -r 10.0.0.138/cgi/router/)',
    usualAddress: '10.0.0.138', defaultUser: ' ',
    access: {
      method: 'telnet', port: 23, eol: '\r', negotiation: 'ignore', passwordPrompt: 'assword :',
      login: [{ expect: ' : ' }, { send: '{user}' }, { expect: 'assword : ' }, { sendPassword: true, thenExpect: '=>' }],
      queries: [
        atPrompt('ip aplist', '=>', first('SERIAL', 'addr:')),
        // Speed Touch firmware 4.3.2.6 has no aplist; its iplist shows the address after "Serial".
        atPrompt('ip iplist', '=>', first('Serial')),
      ],
    },
  },
];
