import CZlib
import Foundation

/// zlib streams (RFC 1950: deflate with a 2-byte header and an Adler-32 trailer) through the
/// system zlib. Inflation is bounded: ``inflatedSize(of:limits:)`` runs the stream into a small
/// scratch buffer, counting, and refuses it past the limits before anything is allocated for the
/// output; ``inflate(_:limits:)`` then inflates into a buffer of exactly that size.
enum Zlib {
    /// Bytes of output before the ratio limit applies, so tiny bodies with long runs still inflate.
    static let ratioSlack = 1 << 20
    /// Size of the counting pass's scratch buffer.
    static let scratchSize = 64 << 10

    /// Compresses `input` into one zlib stream at `level` (0 … 9) with `strategy` (`Z_DEFAULT_STRATEGY`, `Z_RLE`, …).
    static func compress(_ input: UnsafeRawBufferPointer, level: Int32, strategy: Int32 = Z_DEFAULT_STRATEGY) -> Data {
        var stream = z_stream()
        let initialized = czlib_deflate_init(&stream, level, strategy)
        precondition(initialized == Z_OK, "deflateInit2 failed (\(initialized)): out of memory or bad level")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = Data(count: bound)
        let written = output.withUnsafeMutableBytes { out -> Int in
            let base = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
            var status = Z_OK
            repeat {
                // zlib counts in 32 bits per call; feed and drain in chunks, resuming from its totals.
                let consumed = Int(stream.total_in), produced = Int(stream.total_out)
                let chunk = min(input.count - consumed, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: base?.advanced(by: consumed))
                stream.avail_in = uInt(chunk)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress?.advanced(by: produced)
                stream.avail_out = uInt(min(out.count - produced, Int(UInt32.max)))
                status = deflate(&stream, consumed + chunk == input.count ? Z_FINISH : Z_NO_FLUSH)
                precondition(status == Z_OK || status == Z_STREAM_END, "deflate failed (\(status)) within deflateBound")
            } while status != Z_STREAM_END
            return Int(stream.total_out)
        }
        output.count = written
        return output
    }

    /// The inflated size of the zlib stream `input`, computed without keeping the output.
    ///
    /// Refuses with `payload_too_large` as soon as the output passes `limits.maxDecompressedBytes`,
    /// or `limits.maxRatio` × the compressed bytes consumed so far + ``ratioSlack``; refuses with
    /// `decompression_failed` a stream that is corrupt, truncated, or followed by other bytes.
    static func inflatedSize(of input: UnsafeRawBufferPointer, limits: PayloadLimits) throws(WireError) -> Int {
        var stream = z_stream()
        try start(&stream)
        defer { inflateEnd(&stream) }
        let status = withUnsafeTemporaryAllocation(of: Bytef.self, capacity: scratchSize) { scratch -> WireError? in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            var produced = 0
            while true {
                stream.next_out = scratch.baseAddress
                stream.avail_out = uInt(scratchSize)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                produced += scratchSize - Int(stream.avail_out)
                let consumed = input.count - Int(stream.avail_in)
                if produced > limits.maxDecompressedBytes {
                    return WireError(code: .payloadTooLarge, message:
                        "inflated body exceeds the limit of \(limits.maxDecompressedBytes) bytes")
                }
                if produced > limits.maxRatio * consumed + ratioSlack {
                    return WireError(code: .payloadTooLarge, message:
                        "inflated body exceeds \(limits.maxRatio) times its compressed size")
                }
                switch status {
                case Z_STREAM_END:
                    if stream.avail_in != 0 {
                        return WireError(code: .decompressionFailed, message:
                            "\(stream.avail_in) bytes follow the end of the zlib stream")
                    }
                    return nil
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // Output space was given, so no progress means no input is left.
                    return WireError(code: .decompressionFailed, message:
                        "the zlib stream is truncated after \(input.count) bytes")
                default:
                    return failure(status, stream)
                }
            }
        }
        if let status { throw status }
        return Int(stream.total_out)
    }

    /// Inflates the zlib stream `input`, within `limits` (see ``inflatedSize(of:limits:)``).
    static func inflate(_ input: UnsafeRawBufferPointer, limits: PayloadLimits) throws(WireError) -> Data {
        let size = try inflatedSize(of: input, limits: limits)
        var output = Data(count: size)
        guard size > 0 else { return output }
        var stream = z_stream()
        try start(&stream)
        defer { inflateEnd(&stream) }
        let status = output.withUnsafeMutableBytes { out -> Int32 in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
            stream.avail_out = uInt(size)
            return CZlib.inflate(&stream, Z_FINISH)
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else { throw failure(status, stream) }
        return output
    }

    private static func start(_ stream: inout z_stream) throws(WireError) {
        let status = czlib_inflate_init(&stream)
        guard status == Z_OK else {
            throw WireError(code: .internal, message: "inflateInit2 failed with zlib status \(status)")
        }
    }

    private static func failure(_ status: Int32, _ stream: z_stream) -> WireError {
        switch status {
        case Z_MEM_ERROR:
            WireError(code: .internal, message: "zlib ran out of memory")
        case Z_NEED_DICT:
            WireError(code: .decompressionFailed,
                      message: "the zlib stream needs a preset dictionary, which the protocol does not use")
        default:
            // zlib's own messages ("incorrect header check", "invalid distance too far back") name
            // stream structure, never payload bytes.
            WireError(code: .decompressionFailed, message: "not a valid zlib stream after \(stream.total_in) bytes"
                      + (stream.msg.map { ": " + String(cString: $0) } ?? ""))
        }
    }
}
