// Series whose values are kept elsewhere (the services count; a scrape reads): a gauge of a state,
// and a counter of totals that only grow, set to them when scraped.
import { Counter, Gauge, type Registry } from 'prom-client'

export function stateGauge (registry: Registry, name: string, help: string, read: () => number): void {
  registry.registerMetric(new Gauge({ name, help, registers: [], collect () { this.set(read()) } }))
}

/** A counter by one label, each value read from totals kept elsewhere (labels listed, so none is missing). */
export function totalsCounter (registry: Registry, name: string, help: string, label: string, values: string[], read: () => Record<string, number>): void {
  registry.registerMetric(new Counter({
    name,
    help,
    labelNames: [label],
    registers: [],
    collect () {
      const totals = read()
      this.reset()
      for (const value of values) this.inc({ [label]: value }, totals[value] ?? 0)
    }
  }))
}

/** A counter of one total that only grows, kept elsewhere. */
export function totalCounter (registry: Registry, name: string, help: string, read: () => number): void {
  registry.registerMetric(new Counter({ name, help, registers: [], collect () { this.reset(); this.inc(read()) } }))
}
