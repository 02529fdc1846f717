// Calls one UPnP SOAP action (UPnP Device Architecture 1.0 §3.2) and reads its reply or fault.
import type { Dispatcher } from 'undici';
import { httpText } from './bounded-http-text.js';
import { escapeXmlText, innerXmlOf, textOf } from './xml-elements.js';
import { printable } from '../../address-ranges.js';

export interface SoapService {
  readonly serviceType: string;
  readonly controlUrl: string;
}

export type SoapResult =
  | { readonly ok: true; readonly values: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly reason: string; readonly errorCode?: number };

export interface SoapOptions {
  readonly timeoutMs: number;
  readonly dispatcher?: Dispatcher;
}

/** What the IGD error codes mean (UPnP-gw-WANIPConnection §2.4), so a fault names its cause. */
const UPNP_ERRORS: Readonly<Record<number, string>> = {
  401: 'invalid action: the router does not implement it',
  402: 'invalid arguments',
  501: 'the action failed on the router',
  606: 'not authorized: the router refuses this change (check its UPnP security setting)',
  714: 'no such port mapping',
  715: 'the router does not accept a wildcard source address',
  716: 'the router does not accept a wildcard external port',
  718: 'the external port is already mapped to another machine',
  724: 'the router requires the internal and external ports to be the same',
  725: 'the router only supports permanent leases',
  726: 'the router only supports a wildcard remote host',
  727: 'the router only supports a wildcard external port',
  728: 'the router has no free port mapping entries left',
  729: 'the mapping conflicts with another mechanism (e.g. a static forward on the router)',
};

export function soapEnvelope(serviceType: string, action: string, args: Readonly<Record<string, string | number>>): string {
  const argXml = Object.entries(args)
    .map(([name, value]) => `<${name}>${escapeXmlText(String(value))}</${name}>`)
    .join('');
  return (
    '<?xml version="1.0"?>\r\n' +
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
    `<s:Body><u:${action} xmlns:u="${escapeXmlText(serviceType)}">${argXml}</u:${action}></s:Body></s:Envelope>\r\n`
  );
}

export async function callSoapAction(
  service: SoapService,
  action: string,
  args: Readonly<Record<string, string | number>>,
  options: SoapOptions,
): Promise<SoapResult> {
  const reply = await httpText(service.controlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset="utf-8"',
      soapaction: `"${service.serviceType}#${action}"`,
    },
    body: soapEnvelope(service.serviceType, action, args),
    timeoutMs: options.timeoutMs,
    dispatcher: options.dispatcher,
  });
  if (!reply.ok) return reply;
  const fault = innerXmlOf(reply.text, 'Fault')[0];
  if (fault !== undefined || reply.status >= 300) return faultResult(action, service.controlUrl, reply.status, fault ?? '');
  const response = innerXmlOf(reply.text, `${action}Response`)[0];
  if (response === undefined) {
    return { ok: false, reason: `${action} at ${service.controlUrl} answered without a ${action}Response element; the router's UPnP service is broken` };
  }
  return { ok: true, values: childValues(response) };
}

function faultResult(action: string, controlUrl: string, status: number, fault: string): SoapResult {
  const codeText = textOf(fault, 'errorCode');
  const description = textOf(fault, 'errorDescription');
  const errorCode = codeText !== undefined && /^\d+$/.test(codeText) ? Number(codeText) : undefined;
  if (errorCode === undefined) {
    const faultString = textOf(fault, 'faultstring');
    const detail = faultString ? `: ${printable(faultString)}` : '';
    return { ok: false, reason: `${action} at ${controlUrl} failed with HTTP ${status}${detail}` };
  }
  const meaning = UPNP_ERRORS[errorCode];
  const said = description ? ` "${printable(description)}"` : '';
  return {
    ok: false,
    errorCode,
    reason: `${action} at ${controlUrl} failed with UPnP error ${errorCode}${said}${meaning ? ` (${meaning})` : ''}`,
  };
}

/** The argument elements of an action's response, e.g. { NewExternalIPAddress: '203.0.113.7' }. */
function childValues(response: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const match of response.matchAll(/<(?:[\w.-]+:)?([\w.-]+)(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?\1\s*>)/g)) {
    const name = match[1];
    if (name !== undefined) values[name] = textOf(match[0], name) ?? '';
  }
  return values;
}
