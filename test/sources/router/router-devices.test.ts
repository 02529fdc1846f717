// One test per device option: the router source reads the WAN address from its simulated
// device (fixtures written from the reference's description of each device) on loopback.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lastValueFrom, toArray } from 'rxjs';
import { deviceById } from '../../../src/sources/router/device-table.js';
import { routerSource, type RouterSourceOptions } from '../../../src/sources/router/router-source.js';
import type { SourceEvent } from '../../../src/sources/source.js';
import {
  startHttpRouter, startTelnetRouter, type HttpDeviceSimulation, type RunningConsole, type RunningSimulator, type TelnetDeviceSimulation,
} from '../../support/router-simulator.js';

const PASSWORD = 'S3cret-pw';
const WAN = '81.2.69.160';

async function readOnce(options: Partial<RouterSourceOptions> & Pick<RouterSourceOptions, 'device'>): Promise<SourceEvent[]> {
  const source = routerSource({ allowPrivate: false, timeoutMs: 3000, ...options }, { now: () => 0 });
  return lastValueFrom(source.once().pipe(toArray()));
}

interface Case {
  readonly option: string;
  readonly id: string;
  readonly http?: HttpDeviceSimulation;
  readonly telnet?: TelnetDeviceSimulation;
  readonly password?: string;
  readonly extra?: Partial<RouterSourceOptions>;
  readonly expected?: string;
  /** Extra checks on what the simulated device received. */
  readonly check?: (sim: RunningSimulator) => void;
}

const basic = (user: string) => ({ type: 'basic', user, password: PASSWORD }) as const;

const HTTP_CASES: Case[] = [
  { option: '-L', id: 'L', http: { dir: 'linksys-befsr41', auth: basic(' '), pages: { '/Status.htm': 'Status.htm' } } },
  {
    option: '-N', id: 'N', http: { dir: 'netgear-rt311', auth: basic('admin'), pages: { '/mtenSysStatus.html': 'mtenSysStatus.html', '/Logout.html': 'Logout.html' } },
    check: (sim) => assert.equal(sim.requests.at(-1)?.url, '/Logout.html', 'logs out afterwards'),
  },
  {
    option: '-R', id: 'R', http: { dir: 'netgear-fr3114', auth: basic('admin'), pages: { '/': 'index.htm', '/st_dhcp.htm': 'st_dhcp.htm', '/logout.htm': 'logout.htm' } },
    check: (sim) => assert.deepEqual(sim.requests.map((r) => r.url), ['/', '/st_dhcp.htm', '/logout.htm']),
  },
  { option: '--WTG624', id: 'WTG624', http: { dir: 'netgear-wtg624', auth: basic('admin'), pages: { '/': 'index.htm', '/RST_status.htm': 'RST_status.htm', '/LGO_logout.htm': 'LGO_logout.htm' } } },
  { option: '--Draytek', id: 'Draytek', http: { dir: 'draytek-vigor2000', auth: basic('admin'), pages: { '/doc/digisdn.sht': 'digisdn.sht' } } },
  { option: '-O', id: 'O', http: { dir: 'netopia-r9100', auth: basic(''), pages: { '/WanEvtLog': 'WanEvtLog' } } },
  { option: '-H', id: 'H', http: { dir: 'hawking', auth: basic('admin'), pages: { '/Monitor.htm': 'Monitor.htm' } } },
  { option: '-M', id: 'M', http: { dir: 'macsense-xrouter', auth: basic(' '), pages: { '/Status.htm': 'Status.htm' } } },
  { option: '-W', id: 'W', http: { dir: 'watchguard-soho', auth: basic('admin'), pages: { '/sysstat.htm': 'sysstat.htm', '/external.htm': 'external.htm' } } },
  { option: '-8', id: '8', http: { dir: 'dlink-di804', auth: basic('admin'), pages: { '/doc/m3.htm': 'm3.htm' } } },
  { option: '-G', id: 'G', http: { dir: 'ugateplus', auth: { type: 'none' }, pages: { '/st_dhcp.htm': 'st_dhcp.htm' } } },
  { option: '-E', id: 'E', http: { dir: 'eicon-diva', auth: { type: 'none' }, pages: { '/Status.htm': 'Status.htm' } } },
  {
    option: '-V', id: 'V',
    http: {
      dir: 'eicon-diva-password', auth: { type: 'none' }, pages: { '/login.htm': 'login.htm' },
      posts: { '/login.htm': (fields) => (fields.get('password') === PASSWORD ? 'login-reply.htm' : 'login.htm') },
    },
  },
  { option: '-X', id: 'X', http: { dir: 'nexland-isb2lan', auth: { type: 'none' }, pages: { '/status.htm': 'status.htm' } } },
  {
    option: '-P', id: 'P', expected: '93.184.216.34', extra: { wanPort: { mode: 'prefer', port: 0 } },
    http: { dir: 'nexland-pro800turbo', auth: basic('admin'), pages: { '/status.html': 'status.html' } },
  },
  { option: '-S', id: 'S', password: undefined, http: { dir: 'smc-barricade', auth: { type: 'none' }, pages: { '/status.HTM': 'status.HTM' } } },
  {
    option: '-S --WBR', id: 'S+WBR',
    http: {
      dir: 'smc-2404wbr', pages: { '/status_main.htm': 'status_main.htm' },
      auth: { type: 'form', method: 'GET', action: '/login.cgi', remember: 'cookie', loginFile: 'login.htm', check: (f) => f.get('pws') === PASSWORD },
    },
  },
  {
    option: '-B', id: 'B',
    http: {
      dir: 'smc-barricade-88', pages: { '/login.htm': 'login.htm', '/status.HTM': 'status.HTM', '/logout.htm': 'logout.htm' }, open: ['/login.htm', '/logout.htm'],
      auth: { type: 'form', method: 'POST', action: '/login.htm', remember: 'address', loginFile: 'login.htm', okFile: 'login-ok.htm', check: (f) => f.get('pws') === PASSWORD },
    },
  },
  {
    option: '-B --VWBR', id: 'B+VWBR',
    http: {
      dir: 'smc-7004vwbr', pages: { '/login.htm': 'login.htm', '/status_main.stm': 'status_main.stm', '/cgi-bin/logout.exe': 'logout.htm' }, open: ['/login.htm'],
      auth: { type: 'form', method: 'POST', action: '/cgi-bin/login.exe', remember: 'address', loginFile: 'login.htm', okFile: 'login-ok.htm', check: (f) => f.get('pws') === PASSWORD },
    },
  },
  {
    option: '-2', id: '2',
    http: {
      dir: 'siemens-2620', pages: { '/': 'index.htm', '/MAIN.HTM': 'MAIN.HTM' }, open: ['/'],
      // The SpeedStream quirk: without page=login it answers "not found", and the client retries.
      auth: {
        type: 'form', method: 'POST', action: '/LOGIN.HTM', remember: 'address', loginFile: 'index.htm', notFoundFile: 'not-found.htm',
        check: (f) => (f.get('page') !== 'login' ? 'not-found' : f.get('pws') === PASSWORD),
      },
    },
    check: (sim) => assert.deepEqual(sim.requests.filter((r) => r.method === 'POST').map((r) => r.body), [`pws=${PASSWORD}`, `page=login&pws=${PASSWORD}`]),
  },
  { option: '--VT1000v', id: 'VT1000v', http: { dir: 'motorola-vt1000v', auth: { type: 'none' }, pages: { '/startupdata.html': 'startupdata.html' } } },
  { option: '--Belkin_f5d7230', id: 'Belkin_f5d7230', http: { dir: 'belkin-f5d7230', auth: { type: 'none' }, pages: { '/': 'index.html' } } },
  { option: '-5', id: '5', http: { dir: 'dlink-di704', auth: { type: 'none' }, pages: { '/menu.htm?RC=@': 'menu.htm', '/status.htm': 'status.htm' } } },
  {
    option: '-6', id: '6',
    http: {
      dir: 'dlink-di704', pages: { '/menu.htm': 'menu.htm', '/status.htm': 'status.htm' }, open: ['/menu.htm'],
      auth: { type: 'form', method: 'POST', action: '/cgi-bin/logi', remember: 'address', loginFile: 'menu.htm', check: (f) => f.get('URL') === PASSWORD && f.get('RC') === '@' },
    },
  },
  {
    option: '-9', id: '9',
    http: {
      dir: 'dlink-di713p', pages: { '/menu.htm': 'menu.htm', '/status.htm': 'status.htm' }, open: ['/menu.htm'],
      auth: {
        type: 'form', method: 'POST', action: '/cgi-bin/logi', remember: 'address', loginFile: 'menu.htm',
        // The DI713P wants its hidden fields back, in this order.
        check: (f) => f.toString() === new URLSearchParams([['RC', '@D'], ['ACCT', 'root'], ['PSWD', 'x7Q2'], ['URL', PASSWORD], ['KEY', '9041bb'], ['htm', 'status.htm']]).toString(),
      },
    },
  },
];

const PASSWORD_LOGIN = { prompt: 'Password: ', expect: PASSWORD, password: true } as const;

const TELNET_CASES: Case[] = [
  {
    option: '-Y', id: 'Y',
    telnet: {
      dir: 'cayman-3220h', negotiate: true, banner: 'Cayman 3220-H GatorSurf 5.6.2\r\n', refusal: 'Login incorrect',
      login: [{ prompt: 'Login: ', expect: 'admin' }, PASSWORD_LOGIN], prompt: 'Cayman> ',
      commands: { 'show ip interface': { file: 'show-ip-interface.txt' }, exit: { text: 'Goodbye\r\n', close: true } },
    },
    // Negotiation is refused: DONT echo, DONT suppress-go-ahead, WONT terminal-type.
    check: (sim) => assert.deepEqual((sim as RunningConsole).negotiation, [[255, 254, 1], [255, 254, 3], [255, 252, 24]]),
  },
  {
    option: '-3', id: '3',
    telnet: {
      dir: 'netgear-rt338', refusal: 'Password incorrect', login: [PASSWORD_LOGIN], prompt: '', welcome: 'menu.txt',
      commands: { '24': { file: 'menu24.txt' }, '8': { text: '\r\n', prompt: 'router> ' }, 'ip ifconfig': { file: 'ip-ifconfig.txt' } },
    },
  },
  {
    option: '-4', id: '4',
    telnet: { dir: 'gnet-bb0040', refusal: 'Bad Password', login: [PASSWORD_LOGIN], prompt: 'BB0040> ', commands: { 'ip subnet': { file: 'ip-subnet.txt' }, '@close': { text: '', close: true } } },
  },
  {
    option: '-K', id: 'K',
    telnet: { dir: 'compex-np15', refusal: 'Invalid password', login: [PASSWORD_LOGIN], prompt: 'NP15 Command> ', commands: { 'show ip': { file: 'show-ip.txt' }, exit: { text: '', close: true } } },
  },
  {
    option: '-J', id: 'J',
    telnet: { dir: 'zyxel-642me', refusal: 'Password incorrect', login: [PASSWORD_LOGIN], prompt: 'P642ME> ', commands: { 'ip ifconfig': { file: 'ip-ifconfig.txt' }, exit: { text: '', close: true } } },
  },
  {
    option: '-Z', id: 'Z',
    telnet: {
      dir: 'zyxel-642r', refusal: 'Password incorrect', login: [PASSWORD_LOGIN], prompt: '', welcome: 'menu.txt',
      commands: { '24': { file: 'menu24.txt' }, '8': { text: '\r\n', prompt: 'ras> ' }, 'ip ifconfig': { file: 'ip-ifconfig.txt' } },
    },
  },
  {
    option: '-Q', id: 'Q', extra: { pppInterface: '1' },
    telnet: { dir: 'nortel-instant-internet', refusal: 'Invalid password', login: [PASSWORD_LOGIN], prompt: 'II> ', commands: { 'ppp 1': { file: 'ppp-1.txt' } } },
    check: (sim) => assert.ok((sim as RunningConsole).lines.includes('ppp 1')),
  },
  {
    option: '--Netvanta', id: 'Netvanta',
    telnet: {
      dir: 'adtran-netvanta', refusal: '% Login invalid', login: [{ prompt: 'User Access Verification\r\n\r\nPassword: ', expect: PASSWORD, password: true }], prompt: 'NetVanta>',
      commands: { enable: { text: 'Password: ', secret: { expect: PASSWORD, prompt: 'NetVanta#' } }, 'show interface ethernet 0/1': { file: 'show-interface.txt' } },
    },
  },
  {
    option: '-C', id: 'C',
    telnet: {
      dir: 'cisco-800', refusal: '% Bad passwords', login: [{ prompt: '\r\nUser Access Verification\r\n\r\nPassword: ', expect: PASSWORD, password: true }], prompt: 'c837>', echo: true,
      commands: { 'show ip interface | incl /32': { file: 'show-ip-interface.txt' } },
    },
  },
  {
    option: '-I', id: 'I',
    telnet: { dir: 'cisco-700', refusal: 'Incorrect password', login: [PASSWORD_LOGIN], prompt: 'c766> ', commands: { 'show ip co': { file: 'show-ip-co.txt' } } },
  },
  {
    option: '-1', id: '1',
    telnet: {
      dir: 'dlink-dsl504', refusal: 'Login incorrect', login: [PASSWORD_LOGIN], prompt: 'DSL-504> ',
      commands: { home: { text: '\r\n' }, 'nat interfaces': { file: 'nat-interfaces.txt' }, '@close': { text: '', close: true } },
    },
  },
  {
    option: '-7', id: '7',
    telnet: { dir: 'dlink-di701', refusal: 'Password error', login: [{ prompt: 'Password : ', expect: PASSWORD, password: true }], prompt: 'command> ', commands: { show: { file: 'show.txt' } } },
  },
  {
    option: '-T', id: 'T',
    telnet: {
      dir: 'alcatel-stp', negotiate: true, echo: true, refusal: 'Invalid login', prompt: '=>',
      login: [{ prompt: 'Username : ', expect: ' ' }, { prompt: 'Password : ', expect: PASSWORD, password: true }],
      commands: { 'ip aplist': { file: 'ip-aplist.txt' } },
    },
  },
];

describe('router source reads every device option from its simulated device', () => {
  for (const c of [...HTTP_CASES, ...TELNET_CASES]) {
    test(`${c.option}: ${deviceById(c.id)?.model}`, async () => {
      const device = deviceById(c.id);
      assert.ok(device, `table has ${c.id}`);
      const sim = c.http ? await startHttpRouter(c.http) : await startTelnetRouter(c.telnet!);
      try {
        const password = 'password' in c ? c.password : device.argument === 'none' ? undefined : PASSWORD;
        const events = await readOnce({ device, password, routerHost: sim.host, ...c.extra });
        assert.deepEqual(events, [{ type: 'CandidateObserved', source: `router ${device.flag} (${device.model})`, family: 'ipv4', address: c.expected ?? WAN }]);
        c.check?.(sim);
      } finally {
        await sim.close();
      }
    });
  }
});

test('-U replaces the default user of every device that has one (telnet login and Basic auth)', async () => {
  const cayman = await startTelnetRouter({
    dir: 'cayman-3220h', refusal: 'Login incorrect', prompt: 'Cayman> ',
    login: [{ prompt: 'Login: ', expect: 'operator' }, PASSWORD_LOGIN], commands: { 'show ip interface': { file: 'show-ip-interface.txt' } },
  });
  const linksys = await startHttpRouter({ dir: 'linksys-befsr41', auth: basic('root'), pages: { '/Status.htm': 'Status.htm' } });
  try {
    for (const [id, sim, user] of [['Y', cayman, 'operator'], ['L', linksys, 'root']] as const) {
      const events = await readOnce({ device: deviceById(id)!, password: PASSWORD, user, routerHost: sim.host });
      assert.equal(events[0]?.type, 'CandidateObserved', `${id} with -U ${user}`);
    }
  } finally {
    await cayman.close();
    await linksys.close();
  }
});
