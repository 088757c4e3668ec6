/// A gzip (RFC 1952) and raw DEFLATE (RFC 1951) decoder written in Swift, without zlib.
///
/// Supports every gzip header field (FTEXT, FEXTRA, FNAME, FCOMMENT, FHCRC — the header
/// CRC is verified), stored, fixed-Huffman and dynamic-Huffman blocks, concatenated members
/// (as `cat a.gz b.gz` produces) and zero padding after the last member. The CRC-32 and
/// ISIZE of every member are verified.
///
/// Malformed input never crashes, loops or allocates without bound: it throws a
/// ``DecompressionError`` saying what was wrong and at which byte offset.
///
/// ```swift
/// let packed = try readBytes("train-labels-idx1-ubyte.gz")   // any [UInt8]
/// if Gzip.isGzip(packed) {
///     let bytes = try Gzip.decompress(packed)
/// }
/// ```
public enum Gzip {
    /// Default cap on the decompressed size: 1 GiB.
    public static let defaultMaximumOutputSize = 1 << 30

    /// True when `bytes` starts with the gzip magic number 1f 8b.
    ///
    /// - Parameters:
    ///   - bytes: the start of a file (at least two bytes to be recognised).
    /// - Returns: whether the data looks like gzip.
    ///
    /// ```swift
    /// Gzip.isGzip([0x1F, 0x8B, 8, 0])   // true
    /// Gzip.isGzip([0, 0, 8, 3])         // false (an IDX file)
    /// ```
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Decompresses gzip data (one or more members).
    ///
    /// - Parameters:
    ///   - data: the whole `.gz` file.
    ///   - maximumOutputSize: decompression stops with an error once the output would exceed
    ///     this many bytes (protection against decompression bombs). Default 1 GiB.
    /// - Returns: the concatenated contents of all members.
    /// - Throws: ``DecompressionError`` for a bad header (magic, method, reserved flags,
    ///   header CRC), an invalid or truncated DEFLATE stream, a CRC-32 or ISIZE mismatch,
    ///   trailing data that is neither a gzip member nor zero padding, or output larger
    ///   than `maximumOutputSize`.
    ///
    /// ```swift
    /// let original = try Gzip.decompress(compressed)
    /// ```
    public static func decompress(_ data: [UInt8], maximumOutputSize: Int = defaultMaximumOutputSize) throws -> [UInt8] {
        try data.withUnsafeBufferPointer { input in
            // ISIZE of the last member, as a hint for the allocation; never trusted beyond
            // what the compressed size could expand to.
            var hint = 0
            if input.count >= 18 {
                let n = input.count
                hint = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            }
            let output = OutputBuffer(initialCapacity: min(hint, expansionBound(input.count)), limit: maximumOutputSize)
            var offset = 0
            repeat {
                offset = try decodeMember(input, at: offset, into: output)
                if offset < input.count {
                    if input[offset...].allSatisfy({ $0 == 0 }) { break }   // zero padding, as gzip(1) tolerates
                    guard input.count - offset >= 2, input[offset] == 0x1F, input[offset + 1] == 0x8B else {
                        throw DecompressionError(offset: offset,
                                                 reason: "trailing data after the gzip member (\(input.count - offset) bytes that are not another member)")
                    }
                }
            } while offset < input.count
            return output.toArray()
        }
    }

    /// Decompresses a raw DEFLATE stream (no gzip or zlib wrapper). Bytes after the final block are ignored.
    ///
    /// - Parameters:
    ///   - data: the DEFLATE stream.
    ///   - maximumOutputSize: cap on the output size, as in ``decompress(_:maximumOutputSize:)``.
    /// - Returns: the decompressed bytes.
    /// - Throws: ``DecompressionError`` for an invalid or truncated stream or output over the cap.
    ///
    /// ```swift
    /// // A single fixed-Huffman block holding "a": 4b 04 00
    /// try Gzip.inflate([0x4B, 0x04, 0x00])   // [0x61]
    /// ```
    public static func inflate(_ data: [UInt8], maximumOutputSize: Int = defaultMaximumOutputSize) throws -> [UInt8] {
        try data.withUnsafeBufferPointer { input in
            let output = OutputBuffer(initialCapacity: min(4 * input.count + 64, expansionBound(input.count)),
                                      limit: maximumOutputSize)
            var inflater = Inflater(bytes: input, position: 0, output: output)
            _ = try inflater.run()
            return output.toArray()
        }
    }

    /// The most `compressedSize` bytes of DEFLATE data can expand to (a 258-byte match costs at least 2 bits).
    static func expansionBound(_ compressedSize: Int) -> Int {
        let (product, overflow) = compressedSize.multipliedReportingOverflow(by: 1032)
        return overflow ? Int.max : product + 1024
    }

    /// Decodes the member starting at `start`; returns the offset just after its trailer.
    static func decodeMember(_ input: UnsafeBufferPointer<UInt8>, at start: Int, into output: OutputBuffer) throws -> Int {
        let n = input.count
        guard n - start >= 10 else {
            throw DecompressionError(offset: start, reason: "truncated header: a gzip header needs 10 bytes, only \(n - start) left")
        }
        guard input[start] == 0x1F, input[start + 1] == 0x8B else {
            throw DecompressionError(offset: start, reason: "not gzip data: expected magic 1f 8b, found "
                                     + hex(input[start]) + " " + hex(input[start + 1]))
        }
        guard input[start + 2] == 8 else {
            throw DecompressionError(offset: start + 2, reason: "unsupported compression method \(input[start + 2]) (only 8 = deflate exists)")
        }
        let flags = input[start + 3]
        guard flags & 0xE0 == 0 else {
            throw DecompressionError(offset: start + 3, reason: "reserved header flag bits set (flags = 0x" + hex(flags) + ")")
        }
        var p = start + 10
        if flags & 0x04 != 0 {   // FEXTRA
            guard n - p >= 2 else {
                throw DecompressionError(offset: p, reason: "truncated header: missing extra-field length")
            }
            let extraLength = Int(input[p]) | Int(input[p + 1]) << 8
            guard n - p - 2 >= extraLength else {
                throw DecompressionError(offset: p, reason: "truncated header: extra field of \(extraLength) bytes runs past the end")
            }
            p += 2 + extraLength
        }
        for (flag, what) in [(UInt8(0x08), "file name"), (UInt8(0x10), "comment")] where flags & flag != 0 {
            var q = p
            while q < n && input[q] != 0 { q += 1 }
            guard q < n else {
                throw DecompressionError(offset: p, reason: "truncated header: \(what) has no terminating zero byte")
            }
            p = q + 1
        }
        if flags & 0x02 != 0 {   // FHCRC
            guard n - p >= 2 else {
                throw DecompressionError(offset: p, reason: "truncated header: missing header CRC")
            }
            let stored = UInt32(input[p]) | UInt32(input[p + 1]) << 8
            let computed = crc32Update(0, UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[start..<p]))) & 0xFFFF
            guard stored == computed else {
                throw DecompressionError(offset: p, reason: "header CRC mismatch: header says 0x" + hex16(stored)
                                         + ", header bytes give 0x" + hex16(computed))
            }
            p += 2
        }
        var inflater = Inflater(bytes: input, position: p, output: output)
        let memberStart = output.count
        let end = try inflater.run()
        guard n - end >= 8 else {
            throw DecompressionError(offset: end, reason: "truncated trailer: CRC-32 and ISIZE need 8 bytes, only \(n - end) left")
        }
        let storedCRC = UInt32(input[end]) | UInt32(input[end + 1]) << 8 | UInt32(input[end + 2]) << 16 | UInt32(input[end + 3]) << 24
        let storedSize = UInt32(input[end + 4]) | UInt32(input[end + 5]) << 8 | UInt32(input[end + 6]) << 16 | UInt32(input[end + 7]) << 24
        let crc = output.checksum(from: memberStart)
        guard crc == storedCRC else {
            throw DecompressionError(offset: end, reason: "CRC-32 mismatch: trailer says 0x" + hex32(storedCRC)
                                     + ", decompressed data gives 0x" + hex32(crc))
        }
        let size = UInt32(truncatingIfNeeded: output.count - memberStart)
        guard size == storedSize else {
            throw DecompressionError(offset: end + 4, reason: "ISIZE mismatch: trailer says \(storedSize) bytes (mod 2^32), decompressed \(output.count - memberStart)")
        }
        return end + 8
    }

    static func hex(_ byte: UInt8) -> String {
        let s = String(byte, radix: 16)
        return s.count == 1 ? "0" + s : s
    }

    static func hex16(_ value: UInt32) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    static func hex32(_ value: UInt32) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - s.count)) + s
    }
}
