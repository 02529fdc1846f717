// Devices read over HTTP (reference §11.5), as the original reads them; its per-device bugs
// fixed: the VT1000v is parsed (its parsing had slipped into the Belkin branch), the Belkin
// keeps the address after its WAN link instead of the first address on the page, and the
// Linksys sends an ordinary Authorization header (the request-line hack was for one packet).
import type { Anchor, DeviceOption, PageRead } from './device-types.js';

const first = (...after: string[]): Anchor => ({ after, occurrence: 'first' });
const last = (...after: string[]): Anchor => ({ after, occurrence: 'last' });
const anyAddress: Anchor = { after: [], occurrence: 'first' };
const page = (path: string, ...anchors: Anchor[]): PageRead => ({ path, anchors });
const password = { from: 'password' } as const;

export const HTTP_DEVICES: readonly DeviceOption[] = [
  {
    id: 'WTG624', flag: '--WTG624', argument: 'password', model: 'Netgear WTG624',
    help: '--WTG624=password    Netgear WTG624 router',
    usualAddress: '192.168.0.1', defaultUser: 'admin',
    access: { method: 'http', port: 80, auth: 'basic', pages: [page('/'), page('/RST_status.htm', first('IP'))], logout: '/LGO_logout.htm' },
  },
  {
    id: 'R', flag: '-R', argument: 'password', model: 'Netgear FR3114',
    help: '-R password    Netgear FR3114 password',
    usualAddress: '192.168.100.1', defaultUser: 'admin',
    access: { method: 'http', port: 80, auth: 'basic', pages: [page('/'), page('/st_dhcp.htm', first('IP'))], logout: '/logout.htm' },
  },
  {
    id: 'H', flag: '-H', argument: 'password', model: 'HawkingTech',
    help: '-H password    HawkingTech router password',
    usualAddress: '192.168.10.10', defaultUser: 'admin',
    access: { method: 'http', port: 80, auth: 'basic', pages: [page('/Monitor.htm', first('WAN'))] },
  },
  {
    id: 'G', flag: '-G', argument: 'none', model: 'UgatePlus',
    help: '-G             UgatePlus (no password needed)',
    usualAddress: '192.168.0.1',
    access: { method: 'http', port: 80, auth: 'none', pages: [page('/st_dhcp.htm', last('I.P. Address'))] },
  },
  {
    id: 'V', flag: '-V', argument: 'password', model: 'Eicon Diva 2430 (with password)',
    help: '-V password    Eicon Diva (see -E for no password)',
    usualAddress: '192.168.1.1',
    access: {
      method: 'http', port: 80, auth: 'form',
      pages: [{ path: '/login.htm', post: [['password', password]], anchors: [last('WAN IP address')] }],
    },
  },
  {
    id: 'B', flag: '-B', argument: 'password', model: 'SMC Barricade (new, password, port 88)',
    help: '-B password    New Barricade with password on port 88',
    usualAddress: '192.168.2.1',
    access: {
      method: 'http', port: 88, auth: 'form',
      login: {
        formPage: '/login.htm', method: 'POST', action: '/login.htm', fields: [['pws', password]],
        retryWithLeadingFields: [['page', 'login']],
      },
      pages: [page('/status.HTM', last('WAN IP'))], logout: '/logout.htm',
    },
  },
  {
    id: 'B+VWBR', flag: '-B', argument: 'password', model: 'SMC Barricade 7004VWBR',
    help: '--VWBR         Use with -B to indicate 7004VWBR Router',
    usualAddress: '192.168.2.1',
    access: {
      method: 'http', port: 80, auth: 'form',
      login: {
        formPage: '/login.htm', method: 'POST', action: '/cgi-bin/login.exe', fields: [['pws', password]],
        retryWithLeadingFields: [['page', 'login']],
      },
      pages: [page('/status_main.stm', last('var wan_ip='))], logout: '/cgi-bin/logout.exe',
    },
  },
  {
    id: '2', flag: '-2', argument: 'password', model: 'Siemens SpeedStream 2620',
    help: '-2 password    Siemens SpeedStream 2620 router password',
    usualAddress: '192.168.254.254',
    access: {
      method: 'http', port: 88, auth: 'form',
      login: { formPage: '/', method: 'POST', action: '/LOGIN.HTM', fields: [['pws', password]], retryWithLeadingFields: [['page', 'login']] },
      pages: [page('/MAIN.HTM', last('WAN IP'))],
    },
  },
  {
    id: 'E', flag: '-E', argument: 'none', model: 'Eicon Diva 2430',
    help: '-E             Eicon Diva (no password needed)',
    usualAddress: '192.168.1.1',
    access: { method: 'http', port: 80, auth: 'none', pages: [page('/Status.htm', last('WAN IP address'))] },
  },
  {
    id: 'X', flag: '-X', argument: 'none', model: 'Nexland',
    help: '-X             Nexland router (no password set)',
    usualAddress: '192.168.1.1',
    access: { method: 'http', port: 80, auth: 'none', pages: [page('/status.htm', last('Default gateway'), first('IP Address'))] },
  },
  {
    id: 'P', flag: '-P', argument: 'port,password', model: 'Nexland Pro800Turbo',
    help: [
      '-P port[,password]',
      '                Nexland Pro800Turbo, WAN port, port==any use the',
      "                first connected port; port=[01] use the port'th port",
      "                if available, else any; port=-[01] use port'th port",
      '                if available, else fail.  Specify password if',
      '                required.  For example, -P any,123 says to use the',
      '                first port and password 123.  -P 1 says prefer port',
      '                #1 and no password is required.  -P -0,xyz forces',
      '                port 0 and uses password xyz.',
    ].join('\n'),
    usualAddress: '192.168.1.1', defaultUser: 'admin',
    access: { method: 'http', port: 80, auth: 'basic-if-password', pages: [{ path: '/status.html', anchors: [], parse: 'wan-ports' }] },
  },
  {
    id: 'S', flag: '-S', argument: 'none', model: 'SMC Barricade',
    help: '-S             SMC Barricade (no password needed)',
    usualAddress: '192.168.0.254',
    access: { method: 'http', port: 80, auth: 'none', pages: [page('/status.HTM', anyAddress)] },
  },
  {
    id: 'S+WBR', flag: '-S', argument: 'password', model: 'SMC Barricade 2404WBR',
    help: '--WBR password Use with -S if 2404WBR with password',
    usualAddress: '192.168.0.254',
    access: {
      method: 'http', port: 80, auth: 'form',
      login: { method: 'GET', action: '/login.cgi', fields: [['pws', password]] },
      pages: [page('/status_main.htm', anyAddress)],
    },
  },
  {
    id: 'S+WBR+VWBR', flag: '-S', argument: 'password', model: 'SMC Barricade 7004VWBR v2',
    help: '',
    usualAddress: '192.168.0.254',
    access: {
      method: 'http', port: 80, auth: 'form',
      login: { method: 'GET', action: '/login.htm', fields: [['pws', password]] },
      pages: [page('/status_main.htm', anyAddress)],
    },
  },
  {
    id: 'O', flag: '-O', argument: 'password', model: 'Netopia R9100',
    help: '-O password    Netopia (R9100) NAT router password',
    usualAddress: '192.168.0.1', defaultUser: '',
    access: { method: 'http', port: 80, auth: 'basic', pages: [page('/WanEvtLog', first('local'))] },
  },
  {
    id: 'Draytek', flag: '--Draytek', argument: 'password', model: 'Draytek Vigor2000',
    help: '--Draytek=password\n                Vigor2000 NAT router password',
    usualAddress: '192.168.1.1', defaultUser: 'admin',
    access: { method: 'http', port: 80, auth: 'basic', pages: [page('/doc/digisdn.sht', anyAddress)] },
  },
  {
    id: 'VT1000v', flag: '--VT1000v', argument: 'none', model: 'Motorola VT1000v',
    help: '--VT1000v      Motorola VT1000v VoIP voice terminal (no password needed)',
    usualAddress: '192.168.0.1',
    access: { method: 'http', port: 80, auth: 'none', pages: [page('/startupdata.html', anyAddress)] },
  },
  {
    id: 'Belkin_f5d7230', flag: '--Belkin_f5d7230', argument: 'none', model: 'Belkin F5D7230',
    help: '--Belkin_f5d7230  Belkin F5D7230 wireless router (no password needed)',
    usualAddress: '192.168.1.1',
    access: { method: 'http', port: 80, auth: 'none', pages: [page('/', { after: ['wan_conn.html'], occurrence: 'first', in: 'markup' })] },
  },
  {
    id: 'M', flag: '-M', argument: 'password', model: 'MacSense XRouter',
    help: '-M password    MacSense password',
    usualAddress: '192.168.1.1', defaultUser: ' ',
    access: { method: 'http', port: 80, auth: 'basic', pages: [page('/Status.htm', first('Public IP'))] },
  },
  {
    id: 'N', flag: '-N', argument: 'password', model: 'Netgear RT311/RT314/FVS318',
    help: '-N password    Netgear RT311 NAT router password',
    usualAddress: '192.168.0.1', defaultUser: 'admin',
    access: {
      method: 'http', port: 80, auth: 'basic',
      pages: [page('/mtenSysStatus.html', last('WAN')), page('/rpMten.html', last('WAN')), page('/sysstatus.html', last('WAN Port'))],
      logout: '/Logout.html',
    },
  },
  {
    id: '5', flag: '-5', argument: 'none', model: 'DLink DI704 (no password)',
    help: '-5             DLink DI704 with no password',
    usualAddress: '192.168.0.1',
    access: {
      method: 'http', port: 80, auth: 'none',
      pages: [page('/menu.htm?RC=@'), page('/status.htm', first('WAN'))],
    },
  },
  {
    id: '6', flag: '-6', argument: 'password', model: 'DLink DI704',
    help: '-6 password    DLink DI704 password',
    usualAddress: '192.168.0.1',
    access: {
      method: 'http', port: 80, auth: 'form',
      login: { formPage: '/menu.htm?RC=@', copyFormInputs: true, method: 'POST', action: '/cgi-bin/logi', fields: [['URL', password]] },
      pages: [page('/status.htm', first('IP Address'))],
    },
  },
  {
    id: '9', flag: '-9', argument: 'password', model: 'DLink DI713P',
    help: '-9 password    DLink DI713P password',
    usualAddress: '192.168.0.1', defaultUser: 'root',
    access: {
      method: 'http', port: 80, auth: 'form',
      login: {
        formPage: '/menu.htm', onlyIfFormHas: 'KEY', method: 'POST', action: '/cgi-bin/logi',
        fields: [
          ['RC', '@D'], ['ACCT', { from: 'user' }], ['PSWD', { from: 'form', name: 'PSWD' }], ['URL', password],
          ['KEY', { from: 'form', name: 'KEY' }], ['htm', { from: 'form', name: 'htm' }],
        ],
      },
      pages: [page('/status.htm', first('IP Address'))],
    },
  },
  {
    id: '8', flag: '-8', argument: 'password', model: 'DLink DI804/DI614+',
    help: '-8 password    DLink DI804/DI614+ password',
    usualAddress: '192.168.1.1', defaultUser: 'admin',
    access: { method: 'http', port: 80, auth: 'basic', pages: [page('/doc/m3.htm', first('Current IP')), page('/st_devic.html', first('PPPoE'), first('WAN'))] },
  },
  {
    id: 'L', flag: '-L', argument: 'password', model: 'Linksys BEFSR41/WRT54G(S)/RT31P2',
    help: '-L password    Linksys (BEFSR41) NAT router password',
    usualAddress: '192.168.1.1', defaultUser: ' ',
    access: {
      method: 'http', port: 80, auth: 'basic',
      pages: [
        page('/Status.htm', first('WAN', 'IP')),
        page('/Status_Router.htm', first('Internet IP')),
        page('/Status_Router.asp', first('wan_ip = ')),
        page('/RouterStatus.htm', first('Internet IP')),
        { path: '/StaRouter.htm', user: 'admin', anchors: [first('wan_ip = ')] },
      ],
    },
  },
  {
    id: 'W', flag: '-W', argument: 'password', model: 'Watchguard SOHO',
    help: '-W password    Watchguard SOHO NAT firewall password',
    usualAddress: '192.168.111.1', defaultUser: 'admin',
    access: { method: 'http', port: 80, auth: 'basic', pages: [page('/sysstat.htm', anyAddress), page('/external.htm', anyAddress)] },
  },
];
