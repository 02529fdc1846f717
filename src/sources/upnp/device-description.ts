// Reads a UPnP device description: the services a device offers and where to control them.
// An Internet Gateway Device nests them as InternetGatewayDevice → WANDevice →
// WANConnectionDevice → WANIPConnection / WANPPPConnection.
import { decodeXmlText, innerXmlOf, textOf } from './xml-elements.js';

export interface DescribedService {
  readonly serviceType: string;
  /** Absolute URL, resolved against URLBase or the description's own URL. */
  readonly controlUrl: string;
}

/** The connection services that answer GetExternalIPAddress and AddPortMapping, best first. */
export const WAN_CONNECTION_SERVICE_TYPES: readonly string[] = [
  'urn:schemas-upnp-org:service:WANIPConnection:2',
  'urn:schemas-upnp-org:service:WANIPConnection:1',
  'urn:schemas-upnp-org:service:WANPPPConnection:1',
];

export function describedServices(xml: string, descriptionUrl: string): DescribedService[] {
  const urlBase = textOf(xml, 'URLBase');
  const base = urlBase && isHttpUrl(urlBase) ? urlBase : descriptionUrl;
  return innerXmlOf(xml, 'service').flatMap((block) => {
    const serviceType = textOf(block, 'serviceType');
    const control = innerXmlOf(block, 'controlURL')[0];
    if (!serviceType || control === undefined) return [];
    const controlUrl = resolveUrl(decodeXmlText(control), base);
    return controlUrl ? [{ serviceType, controlUrl }] : [];
  });
}

/** The WAN connection services of a description, in the order of WAN_CONNECTION_SERVICE_TYPES. */
export function wanConnectionServices(xml: string, descriptionUrl: string): DescribedService[] {
  const services = describedServices(xml, descriptionUrl);
  return WAN_CONNECTION_SERVICE_TYPES.flatMap((type) => services.filter((service) => service.serviceType === type));
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function resolveUrl(reference: string, base: string): string | undefined {
  try {
    const url = new URL(reference, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
