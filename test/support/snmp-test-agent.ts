// An SNMP agent under the test's control (net-snmp's own Agent) on a loopback port: an
// ipAddrTable (ipAdEntAddr column, indexed by the address) and sysLocation/sysContact scalars.
import snmp from 'net-snmp';
import { freeUdpPort } from './free-udp-port.js';

export interface SnmpTestAgent {
  readonly address: string;
  readonly port: number;
  readonly community: string;
  setAddresses(addresses: readonly string[]): void;
  setLocation(text: string): void;
  close(): Promise<void>;
}

export const IP_AD_ENT_ADDR = '.1.3.6.1.2.1.4.20.1.1';
export const SYS_LOCATION = '.1.3.6.1.2.1.1.6.0';

export async function startSnmpTestAgent(options: { community?: string; addresses?: readonly string[]; location?: string } = {}): Promise<SnmpTestAgent> {
  const community = options.community ?? 'test-community';
  const port = await freeUdpPort();
  const agent = snmp.createAgent({ port, address: '127.0.0.1', disableAuthorization: false }, () => undefined);
  agent.getAuthorizer().addCommunity(community);
  const mib = agent.getMib();
  mib.registerProvider({
    name: 'ipAddrTable',
    type: snmp.MibProviderType.Table,
    oid: '1.3.6.1.2.1.4.20.1',
    maxAccess: snmp.MaxAccess['not-accessible'] ?? 0,
    tableColumns: [
      { number: 1, name: 'ipAdEntAddr', type: snmp.ObjectType.IpAddress ?? 64, maxAccess: snmp.MaxAccess['read-only'] ?? 2 },
      { number: 2, name: 'ipAdEntIfIndex', type: snmp.ObjectType.Integer ?? 2, maxAccess: snmp.MaxAccess['read-only'] ?? 2 },
    ],
    tableIndex: [{ columnName: 'ipAdEntAddr' }],
  });
  for (const [name, oid] of [['sysContact', '1.3.6.1.2.1.1.4'], ['sysLocation', '1.3.6.1.2.1.1.6']] as const) {
    mib.registerProvider({
      name,
      type: snmp.MibProviderType.Scalar,
      oid,
      scalarType: snmp.ObjectType.OctetString ?? 4,
      maxAccess: snmp.MaxAccess['read-only'] ?? 2,
    });
  }
  mib.setScalarValue('sysContact', 'admin@example.org');
  let rows: string[] = [];
  const testAgent: SnmpTestAgent = {
    address: '127.0.0.1',
    port,
    community,
    setAddresses(addresses) {
      for (const row of rows) mib.deleteTableRow('ipAddrTable', [row]);
      rows = [...addresses];
      rows.forEach((address, i) => mib.addTableRow('ipAddrTable', [address, i + 1]));
    },
    setLocation(text) {
      mib.setScalarValue('sysLocation', text);
    },
    close: () => new Promise<void>((resolve) => agent.close(() => resolve())),
  };
  testAgent.setAddresses(options.addresses ?? []);
  testAgent.setLocation(options.location ?? '');
  return testAgent;
}
