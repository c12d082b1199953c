// The HTTP face's own series, on the node's registry: requests by route and status, their
// durations, open event streams, and which build and role answer. Labels are route patterns
// (or `static`, `unmatched`), never a value taken from a request.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export class HttpMetrics {
  private readonly requests: Counter<'route' | 'code'>
  private readonly durations: Histogram<'route'>
  readonly eventClients: Gauge

  constructor (registry: Registry, build: { version: string, role: string }) {
    const registers = [registry]
    this.requests = new Counter({ name: 'arkshare_http_requests_total', help: 'HTTP requests answered, by route and status code', labelNames: ['route', 'code'], registers })
    this.durations = new Histogram({
      name: 'arkshare_http_request_duration_seconds',
      help: 'Time to answer an HTTP request (event streams: until they close)',
      labelNames: ['route'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers
    })
    this.eventClients = new Gauge({ name: 'arkshare_events_clients', help: 'Event streams open now', registers })
    new Gauge({ name: 'arkshare_build_info', help: 'The version and role of this node (always 1)', labelNames: ['version', 'role'], registers }).set(build, 1)
  }

  observe (route: string, code: number, seconds: number): void {
    this.requests.inc({ route, code: String(code) })
    this.durations.observe({ route }, seconds)
  }
}
