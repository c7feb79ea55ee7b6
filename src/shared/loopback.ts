/**
 * Loopback addresses: the lab listens and routes on them only, unless a person asks otherwise.
 */

/**
 * True for `localhost`, any 127.0.0.0/8 address, `::1`, and an IPv4-mapped loopback address
 * (`::ffff:127.x.y.z`, what a dual-stack socket reports for an IPv4 loopback peer).
 */
export function isLoopbackAddress(address: string): boolean {
  if (address === 'localhost' || address === '::1') return true;
  return /^(?:::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address);
}
