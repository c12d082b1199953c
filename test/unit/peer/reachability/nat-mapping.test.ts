// What the index's STUN responder (its port and the next) tells a peer of its router.
import assert from 'node:assert/strict'
import { createSocket, type Socket } from 'node:dgram'
import { checkMapping } from '../../../../src/peer/reachability/nat-mapping.js'
import { bindingResponse, parseBindingRequest } from '../../../../src/wire/stun.js'

/** A responder pair on 127.0.0.1 that reports whatever mapping `seen` makes up for each of its two ports. */
async function responders (seen: (port: 0 | 1, from: { address: string, port: number }) => { address: string, port: number } | undefined): Promise<{ port: number, close: () => void }> {
  const sockets: Socket[] = []
  for (let attempt = 0; sockets.length < 2 && attempt < 20; attempt++) {
    sockets.splice(0).forEach(s => s.close())
    const first = createSocket('udp4')
    await new Promise<void>(resolve => first.bind(0, '127.0.0.1', resolve))
    const second = createSocket('udp4')
    const bound = await new Promise<boolean>(resolve => {
      second.once('error', () => { resolve(false) })
      second.bind(first.address().port + 1, '127.0.0.1', () => { resolve(true) })
    })
    sockets.push(first)
    if (bound) sockets.push(second)
    else second.close()
  }
  sockets.forEach((socket, i) => socket.on('message', (packet, from) => {
    const id = parseBindingRequest(packet)
    const mapped = seen(i as 0 | 1, from)
    if (id != null && mapped != null) socket.send(bindingResponse(id, mapped), from.port, from.address)
  }))
  return { port: sockets[0].address().port, close: () => { sockets.forEach(s => s.close()) } }
}

describe('NAT mapping check', () => {
  it('no NAT: the responder sees our own address and port', async () => {
    const stun = await responders((_port, from) => from)
    try {
      assert.equal((await checkMapping('127.0.0.1', stun.port, 1_000)).mapping, 'none')
    } finally { stun.close() }
  })

  it('one mapping for every destination: hole punching can work', async () => {
    const stun = await responders(() => ({ address: '11.0.0.1', port: 40000 }))
    try {
      const check = await checkMapping('127.0.0.1', stun.port, 1_000)
      assert.deepEqual(check, { mapping: 'endpoint-independent', mapped: { address: '11.0.0.1', port: 40000 } })
    } finally { stun.close() }
  })

  it('a new port for each destination: a symmetric NAT', async () => {
    const stun = await responders((port) => ({ address: '11.0.0.1', port: 40000 + port }))
    try {
      assert.equal((await checkMapping('127.0.0.1', stun.port, 1_000)).mapping, 'symmetric')
    } finally { stun.close() }
  })

  it('unknown when the second port does not answer, or nothing does', async () => {
    const half = await responders((port) => port === 0 ? { address: '11.0.0.1', port: 40000 } : undefined)
    try {
      assert.equal((await checkMapping('127.0.0.1', half.port, 500)).mapping, 'unknown')
    } finally { half.close() }
    const none = await responders(() => undefined)
    try {
      assert.deepEqual(await checkMapping('127.0.0.1', none.port, 500), { mapping: 'unknown' })
    } finally { none.close() }
  })
})
