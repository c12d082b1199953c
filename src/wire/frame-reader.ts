// Reads length-prefixed frames (unsigned LEB128 varint length, then that many bytes) from a libp2p
// stream, holding at most about one frame's limit of unread bytes. The prefix is decoded from what
// has arrived, byte by byte, and refused as soon as it is longer than the limit's own varint (it then
// announces more than the limit, or is padded): a stream of endless 0xff costs at most that many
// bytes, never a buffer that grows while the varint "has not ended yet".
// Data arrives as 'message' events; past the high-water mark the stream is paused, which stops
// yamux's window updates, so a sender cannot push more than its window beyond what we hold.
import { varint } from 'multiformats'
import { Uint8ArrayList } from 'uint8arraylist'
import { nextEvent } from './next-event.js'
import type { Stream, StreamMessageEvent, StreamCloseEvent } from '@libp2p/interface'

/** The frame announces more bytes than the limit (or its prefix is longer than the limit's varint). */
export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError'
}

/** The length prefix is not a minimal varint (e.g. 0x80 0x00 for 0). */
export class InvalidLengthPrefixError extends Error {
  override name = 'InvalidLengthPrefixError'
}

/** The remote ended its side in the middle of a frame. */
export class TruncatedFrameError extends Error {
  override name = 'TruncatedFrameError'
}

export interface FrameReaderOptions {
  /** Largest frame accepted. */
  maxFrameBytes: number
  /** Unread bytes held before the stream is paused (default: one largest frame and its prefix). */
  highWaterBytes?: number
}

export class FrameReader {
  private readonly buffer = new Uint8ArrayList()
  private readonly maxFrameBytes: number
  private readonly highWaterBytes: number
  private failure?: Error
  private resuming = false
  private detached = false

  constructor (private readonly stream: Stream, options: FrameReaderOptions) {
    this.maxFrameBytes = options.maxFrameBytes
    this.highWaterBytes = options.highWaterBytes ?? options.maxFrameBytes + varint.encodingLength(options.maxFrameBytes)
    this.onMessage = this.onMessage.bind(this)
    this.onClose = this.onClose.bind(this)
    stream.addEventListener('message', this.onMessage)
    stream.addEventListener('close', this.onClose)
  }

  /** Unread bytes held by this reader (not counting what the stream itself holds while paused). */
  get bufferedBytes (): number { return this.buffer.byteLength }

  /**
   * The next frame's payload; undefined when the remote closed its side cleanly between frames.
   * Throws FrameTooLargeError, InvalidLengthPrefixError, TruncatedFrameError, the stream's error, or
   * the signal's reason.
   */
  async read (signal?: AbortSignal, maxFrameBytes = this.maxFrameBytes): Promise<Uint8ArrayList | undefined> {
    while (true) {
      const frame = this.takeFrame(Math.min(maxFrameBytes, this.maxFrameBytes))
      if (frame != null) return frame
      if (this.failure != null) throw this.failure
      if (this.stream.readStatus === 'paused') {
        this.resume()
        continue
      }
      if (this.remoteEnded()) {
        if (this.buffer.byteLength === 0) return undefined
        throw new TruncatedFrameError(`the stream ended ${this.buffer.byteLength} byte(s) into a frame`)
      }
      await nextEvent(this.stream, ['message', 'remoteCloseWrite', 'end', 'close'], signal)
    }
  }

  /** Stops reading: later data is left to the stream (which drops it once its read side closes). */
  detach (): void {
    if (this.detached) return
    this.detached = true
    this.stream.removeEventListener('message', this.onMessage)
    this.stream.removeEventListener('close', this.onClose)
    this.buffer.consume(this.buffer.byteLength)
  }

  private remoteEnded (): boolean {
    return this.stream.remoteWriteStatus !== 'writable' && this.stream.readBufferLength === 0
  }

  /** A whole frame from the buffer, or undefined if more bytes are needed. Validates the prefix as it goes. */
  private takeFrame (maxFrameBytes: number): Uint8ArrayList | undefined {
    const buffered = this.buffer.byteLength
    const maxPrefix = varint.encodingLength(maxFrameBytes)
    let length = 0
    let scale = 1
    let prefix = 0
    while (true) {
      if (prefix === buffered) return undefined
      const byte = this.buffer.get(prefix++)
      length += (byte & 0x7f) * scale
      scale *= 128
      if (byte < 0x80) {
        if (byte === 0 && prefix > 1) throw this.fail(new InvalidLengthPrefixError(`a ${prefix}-byte length prefix that is not a minimal varint`))
        break
      }
      if (prefix >= maxPrefix) throw this.fail(new FrameTooLargeError(`length prefix longer than ${maxPrefix} bytes: the frame would exceed ${maxFrameBytes} bytes`))
    }
    if (length > maxFrameBytes) throw this.fail(new FrameTooLargeError(`frame of ${length} bytes exceeds the limit of ${maxFrameBytes}`))
    if (buffered < prefix + length) return undefined
    const frame = this.buffer.sublist(prefix, prefix + length)
    this.buffer.consume(prefix + length)
    return frame
  }

  private fail (err: Error): Error {
    this.failure ??= err
    return this.failure
  }

  private onMessage (evt: StreamMessageEvent): void {
    // after a bad frame nothing more is read: the stream is being closed
    if (this.failure != null) return
    this.buffer.append(evt.data)
    // pausing inside the dispatch resume() makes would be undone by resume's own window update
    if (!this.resuming) this.pauseIfFull()
  }

  private onClose (evt: StreamCloseEvent): void {
    if (evt.error != null) this.fail(evt.error)
  }

  private pauseIfFull (): void {
    if (this.buffer.byteLength > this.highWaterBytes && this.stream.readStatus === 'readable') this.stream.pause()
  }

  private resume (): void {
    this.resuming = true
    try {
      this.stream.resume()
    } finally {
      this.resuming = false
    }
    this.pauseIfFull()
  }
}
