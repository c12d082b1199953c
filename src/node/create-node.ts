// Builds the libp2p nodes arkshare runs on: TCP + Noise + Yamux, identify and ping, plus the
// arkshare peer service or the index service. Embedders can instead add the services to their own node.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { arkshare, type Arkshare, type ArkshareInit } from '../peer/index.js'
import { arkshareIndex, type ArkshareIndex, type ArkshareIndexInit } from '../index-node/index.js'
import { loadOrCreateKey } from './identity.js'
import type { PrivateKey } from '@libp2p/interface'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'

export interface BaseNodeOptions {
  /** Multiaddrs to listen on (default /ip4/0.0.0.0/tcp/0). */
  listen?: string[]
  /** Folder holding the peer key and databases; a fresh identity each run when omitted. */
  dataDir?: string
  privateKey?: PrivateKey
}

export type ArkshareNode = Libp2p<{ identify: Identify, ping: Ping, arkshare: Arkshare }>
export type IndexNode = Libp2p<{ identify: Identify, ping: Ping, index: ArkshareIndex }>

/** Yamux receive-side settings that keep a paused stream from being reset (see shared notes). */
export const YAMUX_OPTIONS = {
  streamOptions: { maxStreamWindowSize: 4 * 1024 * 1024, maxReadBufferLength: 8 * 1024 * 1024 }
}

async function baseOptions (options: BaseNodeOptions): Promise<Record<string, any>> {
  const privateKey = options.privateKey ?? (options.dataDir != null ? await loadOrCreateKey(options.dataDir) : undefined)
  return {
    ...(privateKey != null ? { privateKey } : {}),
    addresses: { listen: options.listen ?? ['/ip4/0.0.0.0/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux(YAMUX_OPTIONS)]
  }
}

export interface ArkshareNodeOptions extends BaseNodeOptions, Omit<ArkshareInit, 'dataDir'> {}

export async function createArkshareNode (options: ArkshareNodeOptions = {}): Promise<ArkshareNode> {
  const { listen, dataDir, privateKey, ...init } = options
  return await createLibp2p({
    ...await baseOptions({ listen, dataDir, privateKey }),
    services: {
      identify: identify(),
      ping: ping(),
      arkshare: arkshare({ ...init, dataDir })
    }
  })
}

export interface IndexNodeOptions extends BaseNodeOptions, Omit<ArkshareIndexInit, 'dataDir'> {}

export async function createIndexNode (options: IndexNodeOptions = {}): Promise<IndexNode> {
  const { listen, dataDir, privateKey, ...init } = options
  return await createLibp2p({
    ...await baseOptions({ listen, dataDir, privateKey }),
    services: {
      identify: identify(),
      ping: ping(),
      index: arkshareIndex({ ...init, dataDir })
    }
  })
}
