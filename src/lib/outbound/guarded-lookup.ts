// DNS resolution that checks what it resolves. Node calls this `lookup` when it opens the
// socket, and connects to exactly the addresses returned here, so the address that was
// checked is the address connected to: a name that answers differently a moment later
// (DNS rebinding) cannot slip an internal address in between check and connect.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { OutboundPolicy } from './address-policy.js';
import { refusalFor } from './address-policy.js';
import { OutboundRefusedError } from './errors.js';

/** Resolves a host name to all of its addresses. */
export type ResolveAll = (
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolveAll: ResolveAll = (hostname, options, callback) =>
  dnsLookup(hostname, { ...options, all: true }, callback);

/** The refusal for a host with these addresses, or null when every one of them may be contacted. */
export function refusalForAddresses(host: string, addresses: readonly string[], policy: OutboundPolicy): OutboundRefusedError | null {
  // One bad address is enough: the socket may pick any of them (and retries the others).
  for (const address of addresses) {
    const reason = refusalFor(address, policy);
    if (reason === null) continue;
    const via = address === host ? address : `${host} resolves to ${address}`;
    return new OutboundRefusedError(`refused to connect to ${via}: ${reason}`);
  }
  return null;
}

/** A `lookup` for node:net that refuses names resolving to a refused address. */
export function guardedLookup(policy: OutboundPolicy, resolveAll: ResolveAll = systemResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname, { family: options.family, hints: options.hints }, (err, addresses) => {
      if (err) return callback(err, '');
      const refusal = refusalForAddresses(hostname, addresses.map((a) => a.address), policy);
      if (refusal) return callback(refusal, '');
      if (addresses.length === 0) return callback(Object.assign(new Error('no addresses'), { code: 'ENOTFOUND' }), '');
      // Node asks for a list when it races IPv4 and IPv6 (autoSelectFamily), for one address otherwise.
      if (options.all) return callback(null, addresses);
      const [first] = addresses as [LookupAddress];
      return callback(null, first.address, first.family);
    });
  };
}
