// A home router of the NAT lab: nftables masquerade in one of the modes real routers use, a stateful
// filter that lets in only what answers traffic from inside (or a UPnP port forward), and optionally
// miniupnpd. It also counts every packet from its home to an address outside the lab.
import { LAB_HOMES, LAB_INTERNET } from './addresses.js'

/**
 * - `port-preserving`: plain masquerade, which keeps a connection's source port when it is free
 *   (most home routers): one mapping for every destination.
 * - `symmetric`: masquerade with `random`: each destination gets its own randomly chosen port, so
 *   the port a STUN server sees is not the one another peer would (a "symmetric" NAT).
 * - `persistent`: masquerade with `persistent`, as routers that pin a client to one mapping do.
 */
export type NatMode = 'port-preserving' | 'symmetric' | 'persistent'

const MASQUERADE: Record<NatMode, string> = {
  'port-preserving': 'masquerade',
  symmetric: 'masquerade random',
  persistent: 'masquerade persistent'
}

/** The nftables table of every router; miniupnpd adds its forwards to the chains named below. */
export const TABLE = 'lab'

export function routerRuleset (mode: NatMode): string {
  return `table inet ${TABLE} {
  counter outside {
  }
  set outside_addresses {
    type ipv4_addr
    flags dynamic
  }
  chain miniupnpd {
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting_miniupnpd {
  }
  chain count_outside {
    type filter hook prerouting priority raw; policy accept;
    iifname "lan0" ip daddr != { ${LAB_INTERNET}, ${LAB_HOMES}, 224.0.0.0/4, 255.255.255.255 } add @outside_addresses { ip daddr } counter name "outside"
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    iifname "lan0" oifname { "lan0", "wan0" } accept
    jump miniupnpd
  }
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    iifname "lo" accept
    iifname "lan0" accept
  }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    jump prerouting_miniupnpd
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    jump postrouting_miniupnpd
    oifname "wan0" ${MASQUERADE[mode]}
  }
}
`
}

/** miniupnpd on the router: UPnP IGD on the home side only, forwards only to the home's hosts. */
export function miniupnpdConfig (lan: string, uuid: string): string {
  return [
    'ext_ifname=wan0',
    'listening_ip=lan0',
    'http_port=0',
    'enable_natpmp=no',
    'enable_upnp=yes',
    'secure_mode=yes',
    'system_uptime=yes',
    `upnp_table_name=${TABLE}`,
    `upnp_nat_table_name=${TABLE}`,
    'upnp_forward_chain=miniupnpd',
    'upnp_nat_chain=prerouting_miniupnpd',
    'upnp_nat_postrouting_chain=postrouting_miniupnpd',
    `uuid=${uuid}`,
    `allow 1024-65535 ${lan} 1024-65535`,
    'deny 0-65535 0.0.0.0/0 0-65535',
    ''
  ].join('\n')
}
