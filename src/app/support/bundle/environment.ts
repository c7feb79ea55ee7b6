/**
 * `environment.json` of a support bundle: the machine that exports the bundle (OS, CPU, memory,
 * app/Electron/Chromium/Node versions, engine) and its network interfaces: names and address
 * families only when redacting, everything (addresses, netmasks, MACs) with `--no-redact`.
 */
import { networkInterfaces } from 'node:os';
import { appInfo, environmentInfo } from '../../../lab';

/** One network interface as the bundle shows it. */
export interface InterfaceInfo {
  name: string;
  families: string[];
  internal: boolean;
  /** Only without redaction. */
  addresses?: Array<{ family: string; address: string; netmask: string; mac: string; cidr: string | null }>;
}

/** What the exporting machine looks like, for `environment.json`. */
export function collectEnvironment(options: { redact: boolean; engine?: string }): Record<string, unknown> {
  const interfaces: InterfaceInfo[] = [];
  for (const [name, list] of Object.entries(networkInterfaces())) {
    const entries = list ?? [];
    const info: InterfaceInfo = {
      name,
      families: [...new Set(entries.map((e) => String(e.family)))],
      internal: entries.some((e) => e.internal),
    };
    if (!options.redact)
      info.addresses = entries.map((e) => ({
        family: String(e.family),
        address: e.address,
        netmask: e.netmask,
        mac: e.mac,
        cidr: e.cidr ?? null,
      }));
    interfaces.push(info);
  }
  return { app: appInfo(), ...environmentInfo(options.engine ?? 'unknown'), networkInterfaces: interfaces };
}
