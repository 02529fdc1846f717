// The shape of a router device as DATA: how to reach it, what to fetch or type, and where on
// the page or console the WAN address sits. One interpreter per access method reads these;
// adding a device means adding an entry to the table, not code.

/**
 * Where the address is: the first valid dotted quad after `after` (each text searched after
 * the previous one; the first text's `first` or `last` occurrence, as the original's find or
 * rfind). An empty `after` means "the first dotted quad on the page".
 */
export interface Anchor {
  readonly after: readonly string[];
  readonly occurrence: 'first' | 'last';
  /** Search the raw markup instead of the text content (for anchors inside attributes). */
  readonly in?: 'text' | 'markup';
}

/** Form field values: a literal, or a placeholder filled at run time. */
export type FieldValue = string | { readonly from: 'password' | 'user' } | { readonly from: 'form'; readonly name: string };

export interface FormLogin {
  /** Page fetched first (the login form; some devices need it to open a session). */
  readonly formPage?: string;
  /** Copy every named <input> of formPage into the submitted fields (DLink hidden fields). */
  readonly copyFormInputs?: boolean;
  /** Skip the login when formPage has no input of this name (the device says we are logged in). */
  readonly onlyIfFormHas?: string;
  readonly method: 'GET' | 'POST';
  readonly action: string;
  /** Submitted in this order (some devices insist on it). */
  readonly fields: readonly (readonly [string, FieldValue])[];
  /** Fields put in front of `fields` for a second try when the first answer says "not found". */
  readonly retryWithLeadingFields?: readonly (readonly [string, string])[];
}

/** One page to read; the device's pages are tried in order until one yields an address. */
export interface PageRead {
  readonly path: string;
  /** POST these fields instead of a GET (the Eicon answers its login form with the status). */
  readonly post?: readonly (readonly [string, FieldValue])[];
  /** Basic auth user for this page only (Linksys WRT54GS wants "admin" where the others want " "). */
  readonly user?: string;
  /** Tried in order; the first anchor found on the page decides. */
  readonly anchors: readonly Anchor[];
  /** Nexland Pro800Turbo: one block per WAN port instead of one anchor. */
  readonly parse?: 'wan-ports';
}

export interface HttpAccess {
  readonly method: 'http';
  readonly port: number;
  /** basic: Authorization on every request; form: a login form; none: open status page. */
  readonly auth: 'basic' | 'form' | 'none' | 'basic-if-password';
  readonly login?: FormLogin;
  readonly pages: readonly PageRead[];
  /** Fetched afterwards, best effort, so the next admin can log in (single-session devices). */
  readonly logout?: string;
}

/** A scripted console dialogue; `{password}` and `{user}` in `send` are filled at run time. */
export type TelnetStep =
  | { readonly expect: string }
  | { readonly send: string }
  /** Sends the password; if `loginPrompt` comes back instead of `thenExpect`, the password is wrong. */
  | { readonly sendPassword: true; readonly thenExpect?: string };

export interface TelnetQuery {
  readonly command: string;
  /** Read until this text (substring), or until a prompt ending in this text closes the output. */
  readonly until: string;
  readonly untilPrompt?: boolean;
  readonly anchors: readonly Anchor[];
}

export interface TelnetAccess {
  readonly method: 'telnet';
  readonly port: number;
  /** Line ending the device wants after each line typed. */
  readonly eol: '\r\n' | '\r';
  /** refuse: answer WILL/DO with DONT/WONT; ignore: never answer (Alcatel drops the line otherwise). */
  readonly negotiation: 'refuse' | 'ignore';
  /** Text that announces the password prompt (seeing it again after the password = wrong password). */
  readonly passwordPrompt: string;
  readonly login: readonly TelnetStep[];
  /** Tried in order in the same session until one yields an address (Alcatel aplist, then iplist). */
  readonly queries: readonly TelnetQuery[];
  /** Sent at the end, best effort. */
  readonly bye?: readonly string[];
}

export type DeviceAccess = HttpAccess | TelnetAccess;

export interface DeviceOption {
  /** Stable id: the option without dashes, plus modifiers ("B", "B+VWBR", "S+WBR", "WTG624"). */
  readonly id: string;
  /** The option as typed: "-L", "--WTG624". */
  readonly flag: string;
  /** Option value: none, a password, Nexland's "port[,password]", Nortel's "password,interface". */
  readonly argument: 'none' | 'password' | 'port,password' | 'password,interface';
  readonly model: string;
  /** Line(s) shown by --devices. */
  readonly help: string;
  /** Router LAN address the original assumed when the default route gave nothing. */
  readonly usualAddress?: string;
  /** Login user; -U overrides it for every device that has one. */
  readonly defaultUser?: string;
  readonly access: DeviceAccess;
}
