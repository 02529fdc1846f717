// An SSDP responder on loopback UDP: answers M-SEARCH for an Internet Gateway Device with a
// LOCATION, as a router does, so discovery is tested without sending multicast anywhere.
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface SsdpResponderOptions {
  /** The device description URL put in LOCATION. */
  readonly location: string;
  /** Also answer every search first as an unrelated device (a media server) would. */
  readonly noise?: boolean;
  /** Never answer (a network without a gateway). */
  readonly silent?: boolean;
  readonly host?: string;
}

export class SsdpResponder {
  readonly searches: { searchTarget: string; message: string }[] = [];

  private constructor(
    private readonly socket: Socket,
    private readonly options: SsdpResponderOptions,
  ) {}

  static async start(options: SsdpResponderOptions): Promise<SsdpResponder> {
    const socket = createSocket('udp4');
    const responder = new SsdpResponder(socket, options);
    socket.on('message', (message, remote) => responder.answer(message.toString('latin1'), remote.address, remote.port));
    await new Promise<void>((resolve) => socket.bind(0, options.host ?? '127.0.0.1', resolve));
    return responder;
  }

  get address(): { address: string; port: number } {
    const { address, port } = this.socket.address() as AddressInfo;
    return { address, port };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private answer(message: string, address: string, port: number): void {
    if (!message.startsWith('M-SEARCH * HTTP/1.1')) return;
    const searchTarget = /^ST:\s*(.*)$/im.exec(message)?.[1]?.trim() ?? '';
    this.searches.push({ searchTarget, message });
    if (this.options.silent) return;
    const reply = (st: string, location: string): void => {
      const text = [
        'HTTP/1.1 200 OK',
        'CACHE-CONTROL: max-age=120',
        `ST: ${st}`,
        `USN: uuid:00000000-0000-0000-0000-000000000001::${st}`,
        'EXT:',
        'SERVER: Linux/6.1 UPnP/1.1 ipcheck-test/1.0',
        `LOCATION: ${location}`,
        '',
        '',
      ].join('\r\n');
      this.socket.send(text, port, address);
    };
    if (this.options.noise) reply('urn:schemas-upnp-org:device:MediaServer:1', 'http://127.0.0.1:9/media.xml');
    if (searchTarget.startsWith('urn:schemas-upnp-org:device:InternetGatewayDevice:')) reply(searchTarget, this.options.location);
  }
}
