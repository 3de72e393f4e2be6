import { isIPv4, isIPv6 } from 'node:net';

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad read as the last two). */
const ipv6Groups = (ip: string): number[] => {
  let text = ip.split('%')[0].toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const front = head ? head.split(':') : [];
  const back = tail ? tail.split(':') : [];
  const groups = tail === undefined ? front : [...front, ...Array(8 - front.length - back.length).fill('0'), ...back];
  return groups.map((g) => parseInt(g, 16));
};

/**
 * The group a client address is counted in by the per-address limit: an IPv4 address on its own
 * (an IPv4-mapped IPv6 address is that IPv4 address); an IPv6 address by its network prefix (/64 by
 * default), since one subscriber is usually handed a whole /64 and can pick any address inside it.
 * Anything else (no address at all) is one group of its own.
 */
export const addressGroup = (ip: string, ipv6PrefixLength = 64): string => {
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return 'unknown';
  const groups = ipv6Groups(ip);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  const kept = groups.map((g, i) => {
    const bits = Math.min(Math.max(ipv6PrefixLength - i * 16, 0), 16);
    return bits === 0 ? 0 : g & ((0xffff << (16 - bits)) & 0xffff);
  });
  return `${kept.map((g) => g.toString(16)).join(':')}/${ipv6PrefixLength}`;
};
