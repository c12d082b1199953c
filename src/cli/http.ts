// `--http`: the node's web page, API and metrics beside it. The options both long-running commands
// take, and the lines they print once it listens.
import { join, resolve } from 'node:path'
import { Registry } from 'prom-client'
import { HTTP_DEFAULTS, type HttpInit, type HttpServer } from '../http/index.js'
import { collect, httpAddress, type HttpAddress } from './options.js'
import type { Output } from './output.js'
import type { Command } from 'commander'

export interface HttpCommandOptions {
  http?: HttpAddress
  httpTokenFile?: string
  httpHost?: string[]
}

export function addHttpOptions (command: Command): Command {
  return command
    .option('--http <[host:]port>', `serve the web page, the JSON API and /metrics (host ${HTTP_DEFAULTS.DEFAULT_HOST} unless given; port 0 picks one)`, httpAddress)
    .option('--http-token-file <file>', `the API token's file (default: <data>/${HTTP_DEFAULTS.TOKEN_FILE_NAME}, made when missing)`)
    .option('--http-host <name>', 'another host name the web server answers to, e.g. behind a proxy (repeatable)', collect)
}

/**
 * The HTTP face of a long-running command, when `--http` asks for one: the metrics registry its
 * node is built with, then the server, started once the node listens and stopped before it.
 */
export class HttpFace {
  readonly registry?: Registry
  private server?: HttpServer
  private readonly tokenFile: string

  constructor (private readonly opts: HttpCommandOptions & { data: string }) {
    if (opts.http != null) this.registry = new Registry()
    this.tokenFile = resolve(opts.httpTokenFile ?? join(opts.data, HTTP_DEFAULTS.TOKEN_FILE_NAME))
  }

  async create (build: (init: HttpInit) => Promise<HttpServer>): Promise<void> {
    const { http, httpHost } = this.opts
    if (http == null || this.registry == null) return
    this.server = await build({ host: http.host, port: http.port, hostNames: httpHost, tokenFile: this.tokenFile, registry: this.registry })
  }

  /** Starts the server and says where the page is (the token in the fragment, which no server sees). */
  async start (output: Output): Promise<void> {
    const server = this.server
    if (server == null) return
    await server.start()
    output.emit({ event: 'http', url: server.pageUrl, tokenFile: this.tokenFile }, () => `ui: ${server.pageUrl}`)
    if (!server.loopback) {
      output.info('warning: the web server listens beyond this machine over plain HTTP: the token and everything else cross the network readable; put a TLS proxy in front (and name it with --http-host)')
    }
  }

  async stop (): Promise<void> {
    await this.server?.stop()
  }
}
