import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';

/**
 * The key every limiter counts a client under (the sign-in limits, @fastify/rate-limit's default): an IPv4 address
 * as it is, an IPv6 address by its /64. One IPv6 host is normally handed a whole /64, so counting single addresses
 * would give it 2^64 fresh starts. An IPv4 address seen through an IPv6 socket (`::ffff:192.0.2.1`) is the IPv4
 * address it carries, not one /64 shared by every IPv4 client.
 *
 *   192.0.2.1                  -> 192.0.2.1
 *   ::ffff:192.0.2.1           -> 192.0.2.1
 *   2001:db8:1:2:aaaa::1       -> 2001:db8:1:2::/64
 *   2001:0DB8:1:2:ffff:1:2:3   -> 2001:db8:1:2::/64
 *   ::1                        -> 0:0:0:0::/64
 *
 * Anything that is not an address (no socket address at all) is its own key.
 */
export function addressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${(address as ipaddr.IPv6).parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
}

/** The address key of the client making `request` (the TCP peer: trustProxy is off). */
export const clientKey = (request: FastifyRequest): string => addressKey(request.ip);
