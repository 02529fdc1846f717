// A UPnP Internet Gateway Device on 127.0.0.1 for tests: the device description of a typical
// home router (miniupnpd's layout: InternetGatewayDevice → WANDevice → WANConnectionDevice →
// WANIPConnection) and a SOAP control point that answers GetExternalIPAddress, AddPortMapping,
// DeletePortMapping and GetSpecificPortMappingEntry, recording every call and mapping.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimulatedMapping {
  readonly protocol: 'TCP' | 'UDP';
  readonly externalPort: number;
  readonly internalClient: string;
  readonly internalPort: number;
  readonly description: string;
  readonly leaseSeconds: number;
  /** How many AddPortMapping calls created or renewed this mapping. */
  readonly timesAdded: number;
}

export interface SoapCall {
  readonly action: string;
  readonly soapAction: string;
  readonly args: Readonly<Record<string, string>>;
}

export interface IgdSimulatorOptions {
  /** What GetExternalIPAddress answers; '' means the WAN link is down. */
  externalAddress?: string;
  /** When set, every SOAP action answers this UPnP fault. */
  fault?: { code: number; description: string };
  /** Answer 725 OnlyPermanentLeasesSupported to any AddPortMapping with a lease. */
  onlyPermanentLeases?: boolean;
  /** Which connection service the WANConnectionDevice offers. */
  connectionService?: 'WANIPConnection:1' | 'WANIPConnection:2' | 'WANPPPConnection:1';
  /** Put a <URLBase> in the description (relative URLs then resolve against it). */
  urlBase?: boolean;
  /** Omit the connection service entirely (a device that is not a gateway). */
  noConnectionService?: boolean;
  /** Delay before any answer, to exercise timeouts. */
  delayMs?: number;
}

export class IgdSimulator {
  readonly mappings = new Map<string, SimulatedMapping>();
  readonly calls: SoapCall[] = [];
  descriptionRequests = 0;

  private constructor(
    private readonly server: Server,
    readonly options: IgdSimulatorOptions,
  ) {}

  static async start(options: IgdSimulatorOptions = {}): Promise<IgdSimulator> {
    let simulator: IgdSimulator | undefined;
    const server = createServer((request, response) => simulator?.handle(request, response));
    simulator = new IgdSimulator(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    simulator.port = (server.address() as AddressInfo).port;
    return simulator;
  }

  private port = 0;

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get descriptionUrl(): string {
    return `${this.origin}/rootDesc.xml`;
  }

  get controlUrl(): string {
    return `${this.origin}/ctl/IPConn`;
  }

  get serviceType(): string {
    return `urn:schemas-upnp-org:service:${this.options.connectionService ?? 'WANIPConnection:1'}`;
  }

  mapping(protocol: 'TCP' | 'UDP', externalPort: number): SimulatedMapping | undefined {
    return this.mappings.get(`${protocol}:${externalPort}`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (): void => this.answer(request, Buffer.concat(chunks).toString('utf8'), response);
      if (this.options.delayMs) setTimeout(answer, this.options.delayMs);
      else answer();
    });
  }

  private answer(request: IncomingMessage, body: string, response: ServerResponse): void {
    if (response.destroyed) return;
    if (request.method === 'GET' && request.url === '/rootDesc.xml') {
      this.descriptionRequests += 1;
      response.writeHead(200, { 'content-type': 'text/xml; charset="utf-8"' }).end(this.description());
      return;
    }
    if (request.method === 'POST' && request.url === '/ctl/IPConn') {
      this.control(String(request.headers['soapaction'] ?? ''), body, response);
      return;
    }
    response.writeHead(404).end();
  }

  private description(): string {
    const connection = this.options.noConnectionService
      ? ''
      : `<service>
              <serviceType>${this.serviceType}</serviceType>
              <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
              <SCPDURL>/WANIPCn.xml</SCPDURL>
              <controlURL>/ctl/IPConn</controlURL>
              <eventSubURL>/evt/IPConn</eventSubURL>
            </service>`;
    return `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0" configId="1337">
  <specVersion><major>1</major><minor>1</minor></specVersion>
  ${this.options.urlBase ? `<URLBase>${this.origin}/</URLBase>` : ''}
  <device>
    <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
    <friendlyName>Simulated router</friendlyName>
    <manufacturer>ipcheck tests</manufacturer>
    <modelName>IGD simulator</modelName>
    <UDN>uuid:00000000-0000-0000-0000-000000000001</UDN>
    <serviceList>
      <service>
        <serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType>
        <serviceId>urn:upnp-org:serviceId:L3Forwarding1</serviceId>
        <SCPDURL>/L3F.xml</SCPDURL>
        <controlURL>/ctl/L3F</controlURL>
        <eventSubURL>/evt/L3F</eventSubURL>
      </service>
    </serviceList>
    <deviceList>
      <device>
        <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
        <friendlyName>WANDevice</friendlyName>
        <UDN>uuid:00000000-0000-0000-0000-000000000002</UDN>
        <serviceList>
          <service>
            <serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>
            <serviceId>urn:upnp-org:serviceId:WANCommonIFC1</serviceId>
            <SCPDURL>/WANCfg.xml</SCPDURL>
            <controlURL>/ctl/CmnIfCfg</controlURL>
            <eventSubURL>/evt/CmnIfCfg</eventSubURL>
          </service>
        </serviceList>
        <deviceList>
          <device>
            <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
            <friendlyName>WANConnectionDevice</friendlyName>
            <UDN>uuid:00000000-0000-0000-0000-000000000003</UDN>
            <serviceList>
            ${connection}
            </serviceList>
          </device>
        </deviceList>
      </device>
    </deviceList>
    <presentationURL>${this.origin}/</presentationURL>
  </device>
</root>
`;
  }

  private control(soapAction: string, body: string, response: ServerResponse): void {
    const action = soapAction.replace(/^"|"$/g, '').split('#')[1] ?? '';
    const element = new RegExp(`<(?:\\w+:)?${action}\\b[^>]*>([\\s\\S]*?)</(?:\\w+:)?${action}>`).exec(body)?.[1] ?? '';
    const args: Record<string, string> = {};
    for (const match of element.matchAll(/<(\w+)>([^<]*)<\/\1>/g)) args[match[1] ?? ''] = match[2] ?? '';
    this.calls.push({ action, soapAction, args });
    if (this.options.fault) return this.fault(response, this.options.fault.code, this.options.fault.description);
    switch (action) {
      case 'GetExternalIPAddress':
        return this.reply(response, action, { NewExternalIPAddress: this.options.externalAddress ?? '45.67.89.77' });
      case 'AddPortMapping':
        return this.addPortMapping(response, args);
      case 'DeletePortMapping': {
        const key = `${args['NewProtocol']}:${args['NewExternalPort']}`;
        if (!this.mappings.delete(key)) return this.fault(response, 714, 'NoSuchEntryInArray');
        return this.reply(response, action, {});
      }
      case 'GetSpecificPortMappingEntry': {
        const found = this.mappings.get(`${args['NewProtocol']}:${args['NewExternalPort']}`);
        if (!found) return this.fault(response, 714, 'NoSuchEntryInArray');
        return this.reply(response, action, {
          NewInternalPort: String(found.internalPort),
          NewInternalClient: found.internalClient,
          NewEnabled: '1',
          NewPortMappingDescription: found.description,
          NewLeaseDuration: String(found.leaseSeconds),
        });
      }
      default:
        return this.fault(response, 401, 'Invalid Action');
    }
  }

  private addPortMapping(response: ServerResponse, args: Record<string, string>): void {
    const protocol = args['NewProtocol'];
    const externalPort = Number(args['NewExternalPort']);
    const leaseSeconds = Number(args['NewLeaseDuration']);
    if ((protocol !== 'TCP' && protocol !== 'UDP') || !(externalPort >= 1 && externalPort <= 65535)) {
      return this.fault(response, 402, 'Invalid Args');
    }
    if (this.options.onlyPermanentLeases && leaseSeconds !== 0) return this.fault(response, 725, 'OnlyPermanentLeasesSupported');
    const key = `${protocol}:${externalPort}`;
    const existing = this.mappings.get(key);
    const internalClient = args['NewInternalClient'] ?? '';
    if (existing && existing.internalClient !== internalClient) return this.fault(response, 718, 'ConflictInMappingEntry');
    this.mappings.set(key, {
      protocol,
      externalPort,
      internalClient,
      internalPort: Number(args['NewInternalPort']),
      description: args['NewPortMappingDescription'] ?? '',
      leaseSeconds,
      timesAdded: (existing?.timesAdded ?? 0) + 1,
    });
    this.reply(response, 'AddPortMapping', {});
  }

  private reply(response: ServerResponse, action: string, values: Record<string, string>): void {
    const inner = Object.entries(values)
      .map(([name, value]) => `<${name}>${value}</${name}>`)
      .join('');
    response.writeHead(200, { 'content-type': 'text/xml; charset="utf-8"', ext: '' }).end(
      `<?xml version="1.0"?>\r\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><u:${action}Response xmlns:u="${this.serviceType}">${inner}</u:${action}Response></s:Body></s:Envelope>\r\n`,
    );
  }

  private fault(response: ServerResponse, code: number, description: string): void {
    response.writeHead(500, { 'content-type': 'text/xml; charset="utf-8"' }).end(
      '<?xml version="1.0"?>\r\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><s:Fault>' +
        '<faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>' +
        `<UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>${code}</errorCode><errorDescription>${description}</errorDescription></UPnPError>` +
        '</detail></s:Fault></s:Body></s:Envelope>\r\n',
    );
  }
}
