// The part of net-snmp (which ships no types) that ipcheck uses: v1/v2c sessions for the SNMP
// source, and the agent API that the tests use to serve a controlled MIB.
declare module 'net-snmp' {
  export interface Varbind {
    oid: string;
    type: number;
    value: unknown;
  }

  export interface SessionOptions {
    port?: number;
    retries?: number;
    timeout?: number;
    backoff?: number;
    transport?: 'udp4' | 'udp6';
    version?: number;
  }

  export interface Session {
    get(oids: string[], callback: (error: Error | null, varbinds?: Varbind[]) => void): void;
    subtree(
      oid: string,
      maxRepetitions: number,
      feedCallback: (varbinds: Varbind[]) => boolean | void,
      doneCallback: (error: Error | null) => void,
    ): void;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'close', listener: () => void): this;
    close(): void;
  }

  export interface MibProviderDefinition {
    name: string;
    type: number;
    oid: string;
    maxAccess: number;
    scalarType?: number;
    tableColumns?: { number: number; name: string; type: number; maxAccess: number }[];
    tableIndex?: { columnName: string }[];
  }

  export interface Mib {
    registerProvider(definition: MibProviderDefinition): void;
    setScalarValue(name: string, value: unknown): void;
    addTableRow(name: string, row: unknown[]): void;
    deleteTableRow(name: string, rowIndex: unknown[]): void;
  }

  export interface Agent {
    getMib(): Mib;
    getAuthorizer(): { addCommunity(community: string): void };
    close(callback?: () => void): void;
  }

  export interface AgentOptions {
    port?: number;
    address?: string | null;
    transport?: 'udp4' | 'udp6';
    disableAuthorization?: boolean;
  }

  interface NetSnmp {
    Version1: number;
    Version2c: number;
    ObjectType: Record<string, number>;
    ErrorStatus: Record<string, number>;
    MibProviderType: { Scalar: number; Table: number };
    MaxAccess: Record<string, number>;
    RequestTimedOutError: new (message: string) => Error;
    RequestFailedError: new (message: string, status?: number) => Error & { status?: number };
    createSession(target: string, community: string, options?: SessionOptions): Session;
    createAgent(options: AgentOptions, callback: (error: Error | null, data?: unknown) => void, mib?: Mib): Agent;
    isVarbindError(varbind: Varbind): boolean;
    varbindError(varbind: Varbind): string;
  }

  const snmp: NetSnmp;
  export default snmp;
}
