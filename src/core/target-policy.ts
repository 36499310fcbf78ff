import { lookup as dnsLookup } from 'node:dns/promises'
import type { LookupAddress } from 'node:dns'
import { BlockList, isIP, isIPv4 } from 'node:net'

/**
 * Where the mock may send HTTP on a shared instance (issue 11 item 5: no SSRF through webhook
 * endpoints and payment-authorization callbacks). A server that listens on loopback only is a
 * developer's own: any target is fine. One that listens on another interface never sends to
 * link-local or cloud-metadata addresses, and sends to private and loopback ones only with
 * `WEBHOOK_ALLOW_PRIVATE=true`. The text of a URL is checked when it is configured; the address
 * a name resolves to is checked again when a send connects, and the connection goes to that
 * very address (no second lookup a DNS-rebinding server could answer differently).
 */

/** What an address is, for the policy. */
export type AddressKind = 'public' | 'private' | 'loopback' | 'link-local' | 'not-unicast'

function blockList(entries: [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const list = new BlockList()
  for (const [network, prefix, family] of entries) list.addSubnet(network, prefix, family)
  return list
}

/**
 * Link-local and the clouds' instance-metadata services: 169.254.169.254 (AWS, GCP, Azure,
 * OpenStack), fd00:ec2::254 (AWS IPv6), 100.100.100.200 (Alibaba Cloud), inside fe80::/10 and
 * 169.254.0.0/16 or beside them. Never a target when the server is exposed.
 */
const LINK_LOCAL = blockList([
  ['169.254.0.0', 16, 'ipv4'],
  ['100.100.100.200', 32, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
  ['fd00:ec2::254', 128, 'ipv6'],
])
/** RFC 1918, RFC 6598 shared address space (carrier NAT, 100.64/10), RFC 4193 unique local (fc00::/7). */
const PRIVATE = blockList([
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
])
/** 127/8 and ::1, and the unspecified 0.0.0.0/8 and ::, which reach this host. */
const LOOPBACK = blockList([
  ['127.0.0.0', 8, 'ipv4'],
  ['0.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
  ['::', 128, 'ipv6'],
])
/** Multicast and broadcast: never one receiver. */
const NOT_UNICAST = blockList([
  ['224.0.0.0', 4, 'ipv4'],
  ['255.255.255.255', 32, 'ipv4'],
  ['ff00::', 8, 'ipv6'],
])

/** An IPv6 address as its 8 groups, `::` expanded and a trailing dotted quad read as two groups. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase()
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = (dotted[1] as string).split('.').map(Number) as [number, number, number, number]
    text = `${text.slice(0, -(dotted[1] as string).length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.split('::') as [string, string | undefined]
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : [])
  const left = parse(head)
  const right = parse(tail)
  return tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill(0), ...right]
}

/**
 * The IPv4 address an IPv6 one carries, if any: IPv4-mapped (::ffff:a.b.c.d, how
 * `[::ffff:127.0.0.1]` reaches 127.0.0.1), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::/96).
 */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address)
  if (g.length !== 8) return undefined
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0)
  const mapped = zeros(0, 5) && g[5] === 0xffff
  const compatible = zeros(0, 6) && (g[6] !== 0 || (g[7] ?? 0) > 1)
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)
  if (!mapped && !compatible && !nat64) return undefined
  const hi = g[6] as number
  const lo = g[7] as number
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`
}

/** Classifies an IP address (v4 or v6, without brackets); anything not an address is `public` to no one: throws. */
export function addressKind(address: string): AddressKind {
  const family = isIP(address)
  if (family === 0) throw new Error(`not an IP address: ${address}`)
  const v4 = family === 6 ? embeddedIpv4(address) : address
  const [ip, type] = v4 !== undefined && isIPv4(v4) ? [v4, 'ipv4' as const] : [address, 'ipv6' as const]
  if (LINK_LOCAL.check(ip, type)) return 'link-local'
  if (NOT_UNICAST.check(ip, type)) return 'not-unicast'
  if (LOOPBACK.check(ip, type)) return 'loopback'
  if (PRIVATE.check(ip, type)) return 'private'
  return 'public'
}

/** True for a listen address that only this machine reaches (HOST): 127/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (bare === 'localhost') return true
  return isIP(bare) !== 0 && addressKind(bare) === 'loopback' && bare !== '0.0.0.0' && bare !== '::' && !bare.startsWith('0.')
}

/** Resolves a host name to every address it has (default: the system resolver, as http.request would). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true })

export interface TargetPolicyOptions {
  /** The server listens beyond loopback (HOST is not 127.0.0.1, ::1 or localhost). */
  exposed: boolean
  /** WEBHOOK_ALLOW_PRIVATE: private and loopback targets allowed on an exposed server. */
  allowPrivate: boolean
  resolve?: Resolver
}

/** The error a refused connection fails with; its message is the delivery log's `error`. */
export class TargetRefusedError extends Error {
  override name = 'TargetRefusedError'
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

export class TargetPolicy {
  readonly #resolve: Resolver

  constructor(private readonly options: TargetPolicyOptions) {
    this.#resolve = options.resolve ?? systemResolver
  }

  /** What makes an address refused ("a private address; …"), or undefined when it may be a target. */
  #reason(address: string): string | undefined {
    if (!this.options.exposed) return undefined
    const kind = addressKind(address)
    if (kind === 'link-local') return 'a link-local or cloud-metadata address, never a target of a server listening beyond loopback'
    if (kind === 'not-unicast') return 'a multicast or broadcast address'
    if ((kind === 'private' || kind === 'loopback') && !this.options.allowPrivate) {
      return `a ${kind} address; a server listening beyond loopback sends there only with WEBHOOK_ALLOW_PRIVATE=true`
    }
    return undefined
  }

  /** Why an IP address may not be a target, or undefined when it may. */
  refusalOfAddress(address: string): string | undefined {
    const reason = this.#reason(address)
    return reason === undefined ? undefined : `${address} is ${reason}`
  }

  /**
   * Why a URL may not be a target, judged from its text (configuration time): an IP literal in
   * any form Node's URL parser reads (0x7f000001, 2130706433, 127.1, [::ffff:127.0.0.1]) and the
   * `localhost` names. Other names are judged by what they resolve to, at every send.
   */
  refusalOfUrl(url: string): string | undefined {
    if (!this.options.exposed) return undefined
    let hostname: string
    try {
      hostname = new URL(url).hostname
    } catch {
      return undefined
    }
    return this.refusalOfHost(hostname)
  }

  /** Like refusalOfUrl for a URL's `hostname` (brackets and all); undefined for a name that must be resolved first. */
  refusalOfHost(hostname: string): string | undefined {
    if (!this.options.exposed) return undefined
    const bare = hostname.replace(/^\[|\]$/g, '')
    if (isIP(bare) !== 0) return this.refusalOfAddress(bare)
    const name = bare.toLowerCase().replace(/\.$/, '')
    if (name === 'localhost' || name.endsWith('.localhost')) {
      const reason = this.#reason('127.0.0.1')
      return reason === undefined ? undefined : `${hostname} is ${reason}`
    }
    return undefined
  }

  /**
   * The `lookup` of http.request: resolves the name, refuses it when any of its addresses is
   * refused, and hands the connection exactly the addresses it checked.
   */
  readonly lookup = (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    this.#resolve(hostname).then(
      (found) => {
        const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0
        const addresses = family === 0 ? found : found.filter((a) => a.family === family)
        if (addresses.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), options.all ? [] : '', 0)
          return
        }
        for (const a of addresses) {
          const reason = this.#reason(a.address)
          if (reason !== undefined) {
            // The address itself is not named: the log should not map the inside of the network.
            callback(new TargetRefusedError(`Refused by the target policy: ${hostname} resolves to ${reason}`), options.all ? [] : '', 0)
            return
          }
        }
        const first = addresses[0] as LookupAddress
        if (options.all) callback(null, addresses)
        else callback(null, first.address, first.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : '', 0),
    )
  }
}
