import type { GroupIngress } from './ports';

function ipv4(text: string): number | undefined {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

/** True if IPv4 CIDR `inner` lies inside `outer` (203.0.113.8/29 inside 203.0.113.0/24). */
export function cidrWithin(inner: string, outer: string): boolean {
  const [innerIp = '', innerBits = ''] = inner.split('/');
  const [outerIp = '', outerBits = ''] = outer.split('/');
  const a = ipv4(innerIp);
  const b = ipv4(outerIp);
  const ia = Number(innerBits);
  const ob = Number(outerBits);
  if (a === undefined || b === undefined || !Number.isInteger(ia) || !Number.isInteger(ob)) return false;
  if (ia < ob) return false;
  const block = 2 ** (32 - ob);
  return Math.floor(a / block) === Math.floor(b / block);
}

/**
 * What in the sandbox's security groups admits more than the operator's CIDR: any IPv4 range
 * outside it, any IPv6 range, any prefix list. Empty means only the operator reaches the sandbox
 * (references to other groups are traffic from inside the VPC, not the internet).
 */
export function exposureOf(groups: GroupIngress[], allowedCidr: string): string[] {
  return groups.flatMap((g) => [
    ...g.cidrs.filter((c) => !cidrWithin(c, allowedCidr)).map((c) => `${g.groupId} admits ${c}`),
    ...g.ipv6Cidrs.map((c) => `${g.groupId} admits ${c}`),
    ...g.prefixLists.map((p) => `${g.groupId} admits prefix list ${p}`),
  ]);
}
