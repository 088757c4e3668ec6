// DEFLATE decoder (RFC 1951). Reads bits least-significant first from a 64-bit buffer,
// decodes Huffman symbols through `HuffmanTable`, and writes into a growable output buffer.
//
// Safety against hostile input:
// * every table index is masked to the table's size, every output write is preceded by a
//   capacity check, and every back-reference is checked against the output produced so far;
// * reading past the end of the input feeds zero bits but counts them, and the decoder
//   checks after every symbol that none of them was consumed ("truncated");
// * each loop iteration consumes at least one input bit, so decoding terminates;
// * the output is capped at `maximumOutputSize` and its initial allocation at what the
//   input could possibly expand to (DEFLATE expands at most 1032:1).

/// Base lengths for length symbols 257...285 (RFC 1951 §3.2.5).
let lengthBase: [UInt16] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                            35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
/// Extra bits for length symbols 257...285.
let lengthExtra: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                            3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
/// Base distances for distance symbols 0...29.
let distanceBase: [UInt16] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                              257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                              8193, 12289, 16385, 24577]
/// Extra bits for distance symbols 0...29.
let distanceExtra: [UInt8] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                              7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
/// Order in which the code-length code lengths are sent (RFC 1951 §3.2.7).
let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

/// LSB-first bit reader over a byte buffer.
struct BitReader {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Next byte to load into `buffer`.
    var position: Int
    /// Loaded bits; the low `count` are unread.
    var buffer: UInt64 = 0
    /// Number of unread bits in `buffer` (including zero bits loaded from past the end).
    var count: Int = 0
    /// Zero bytes loaded from past the end of the input.
    var padding: Int = 0

    init(bytes: UnsafeBufferPointer<UInt8>, position: Int) {
        self.bytes = bytes
        self.position = position
    }

    /// Offset of the byte holding the next unread bit.
    var byteOffset: Int { ((position + padding) << 3 - count) >> 3 }

    /// True once a bit from past the end of the input has been consumed.
    @inline(__always) var overrun: Bool { count < padding << 3 }

    /// Ensures at least 57 bits are loaded (zero bits past the end, counted in `padding`).
    @inline(__always) mutating func refill() {
        if count > 56 { return }
        if position + 8 <= bytes.count {
            // Load 8 bytes at once; bytes beyond the whole ones accounted for are loaded again
            // next time at the same bit positions, so OR-ing them in twice is harmless.
            let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + position).loadUnaligned(as: UInt64.self))
            buffer |= word << UInt64(count)
            let whole = (63 - count) >> 3
            position += whole
            count += whole << 3
        } else {
            refillSlowly()
        }
    }

    mutating func refillSlowly() {
        while count <= 56 {
            if position < bytes.count {
                buffer |= UInt64(bytes[position]) << UInt64(count)
                position += 1
            } else {
                padding += 1
            }
            count += 8
        }
    }

    /// Consumes `n` bits (n ≤ count) and returns them as an integer, first bit least significant.
    @inline(__always) mutating func take(_ n: Int) -> Int {
        let value = Int(truncatingIfNeeded: buffer & ((1 << UInt64(n)) &- 1))
        buffer >>= UInt64(n)
        count -= n
        return value
    }

    /// Drops `n` bits (n ≤ count).
    @inline(__always) mutating func drop(_ n: Int) {
        buffer >>= UInt64(n)
        count -= n
    }

    /// Skips to the next byte boundary and hands byte-wise reading back to the caller:
    /// returns the offset of the next unread byte and empties the bit buffer.
    mutating func alignAndDetach() throws -> Int {
        drop(count & 7)
        if overrun { throw truncated() }
        let offset = byteOffset
        position = offset
        buffer = 0
        count = 0
        padding = 0
        return offset
    }

    func truncated() -> DecompressionError {
        DecompressionError(offset: bytes.count,
                           reason: "unexpected end of data: the compressed stream is truncated (input has \(bytes.count) bytes)")
    }

    /// Decodes one symbol; requires at least 15 loaded bits.
    @inline(__always) mutating func decode(_ table: UnsafeBufferPointer<UInt32>, bits: Int, what: String) throws -> Int {
        var entry = table[Int(truncatingIfNeeded: buffer & ((1 << UInt64(bits)) &- 1))]
        if entry & HuffmanTable.linkFlag != 0 {
            drop(bits)
            let width = UInt64(entry & 0xFF)
            entry = table[Int(entry >> 16) + Int(truncatingIfNeeded: buffer & ((1 << width) &- 1))]
        }
        let length = Int(entry & 0xFF)
        if length == 0 {
            throw DecompressionError(offset: byteOffset, reason: "invalid \(what) code (bit pattern not in the Huffman code)")
        }
        drop(length)
        return Int(entry >> 16)
    }
}

/// Growable output storage. Never grows beyond `limit` bytes.
final class OutputBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var count = 0
    let limit: Int

    init(initialCapacity: Int, limit: Int) {
        self.limit = limit
        capacity = max(1, min(initialCapacity, limit))
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for at least `needed` bytes in total.
    func reserve(_ needed: Int, offset: Int) throws {
        guard needed > capacity else { return }
        guard needed <= limit else {
            throw DecompressionError(offset: offset,
                                     reason: "decompressed data exceeds the limit of \(limit) bytes (maximumOutputSize)")
        }
        let newCapacity = min(limit, max(needed, capacity.multipliedReportingOverflow(by: 2).partialValue))
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// The bytes from `start` to the end.
    func checksum(from start: Int) -> UInt32 {
        crc32Update(0, UnsafeRawBufferPointer(start: base + start, count: count - start))
    }

    func toArray() -> [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }
}

/// Decodes one DEFLATE stream starting at a byte offset of `bytes`.
struct Inflater {
    var reader: BitReader
    let output: OutputBuffer
    /// First output byte of this stream; back-references may not reach before it.
    let start: Int

    init(bytes: UnsafeBufferPointer<UInt8>, position: Int, output: OutputBuffer) {
        reader = BitReader(bytes: bytes, position: position)
        self.output = output
        start = output.count
    }

    /// Decodes blocks up to and including the final one; returns the offset of the first byte after the stream.
    mutating func run() throws -> Int {
        while true {
            reader.refill()
            let headerOffset = reader.byteOffset
            let isFinal = reader.take(1) == 1
            let type = reader.take(2)
            if reader.overrun { throw reader.truncated() }
            switch type {
            case 0:
                try storedBlock()
            case 1:
                try codes(literal: HuffmanTable.fixedLiteralLength, distance: HuffmanTable.fixedDistance)
            case 2:
                let (literal, distance) = try dynamicTables()
                try codes(literal: literal, distance: distance)
            default:
                throw DecompressionError(offset: headerOffset, reason: "invalid block type 3 (reserved)")
            }
            if isFinal { break }
        }
        return try reader.alignAndDetach()
    }

    /// A stored block: LEN, NLEN = ~LEN, then LEN raw bytes.
    mutating func storedBlock() throws {
        let offset = try reader.alignAndDetach()
        let bytes = reader.bytes
        guard offset + 4 <= bytes.count else { throw reader.truncated() }
        let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        let complement = Int(bytes[offset + 2]) | Int(bytes[offset + 3]) << 8
        guard length == complement ^ 0xFFFF else {
            throw DecompressionError(offset: offset,
                                     reason: "stored block length \(length) does not match its complement \(complement) (expected \(length ^ 0xFFFF))")
        }
        guard offset + 4 + length <= bytes.count else { throw reader.truncated() }
        try output.reserve(output.count + length, offset: offset)
        (output.base + output.count).update(from: bytes.baseAddress! + offset + 4, count: length)
        output.count += length
        reader.position = offset + 4 + length
    }

    /// Reads the code definitions of a dynamic block (RFC 1951 §3.2.7).
    mutating func dynamicTables() throws -> (HuffmanTable, HuffmanTable) {
        reader.refill()
        let headerOffset = reader.byteOffset
        let literalCount = reader.take(5) + 257
        let distanceCount = reader.take(5) + 1
        let codeLengthCount = reader.take(4) + 4
        if literalCount > 286 {
            throw DecompressionError(offset: headerOffset,
                                     reason: "dynamic block declares \(literalCount) literal/length codes (at most 286)")
        }
        if distanceCount > 30 {
            throw DecompressionError(offset: headerOffset,
                                     reason: "dynamic block declares \(distanceCount) distance codes (at most 30)")
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for i in 0..<codeLengthCount {
            reader.refill()
            codeLengthLengths[codeLengthOrder[i]] = UInt8(reader.take(3))
        }
        if reader.overrun { throw reader.truncated() }
        let codeLengthTable = try codeLengthLengths.withUnsafeBufferPointer {
            try HuffmanTable.build(lengths: $0, primaryBits: 7, what: "code-length", allowSingle: false,
                                   allowEmpty: false, offset: headerOffset)
        }
        let total = literalCount + distanceCount
        var lengths = [UInt8](repeating: 0, count: total)
        try codeLengthTable.entries.withUnsafeBufferPointer { table in
            var i = 0
            while i < total {
                reader.refill()
                let symbolOffset = reader.byteOffset
                let symbol = try reader.decode(table, bits: codeLengthTable.bits, what: "code-length")
                if symbol < 16 {
                    lengths[i] = UInt8(symbol)
                    i += 1
                } else {
                    let value: UInt8
                    let repeats: Int
                    switch symbol {
                    case 16:
                        guard i > 0 else {
                            throw DecompressionError(offset: symbolOffset,
                                                     reason: "code-length repeat (symbol 16) with no previous length")
                        }
                        value = lengths[i - 1]
                        repeats = 3 + reader.take(2)
                    case 17:
                        value = 0
                        repeats = 3 + reader.take(3)
                    default:
                        value = 0
                        repeats = 11 + reader.take(7)
                    }
                    guard i + repeats <= total else {
                        throw DecompressionError(offset: symbolOffset,
                                                 reason: "code-length repeat of \(repeats) overruns the \(total) declared lengths")
                    }
                    for j in i..<(i + repeats) { lengths[j] = value }
                    i += repeats
                }
                if reader.overrun { throw reader.truncated() }
            }
        }
        guard lengths[256] != 0 else {
            throw DecompressionError(offset: headerOffset, reason: "dynamic block has no code for end-of-block (symbol 256)")
        }
        return try lengths.withUnsafeBufferPointer { all in
            let literal = try HuffmanTable.build(
                lengths: UnsafeBufferPointer(rebasing: all[0..<literalCount]), primaryBits: 10,
                what: "literal/length", allowSingle: true, allowEmpty: false, offset: headerOffset)
            let distance = try HuffmanTable.build(
                lengths: UnsafeBufferPointer(rebasing: all[literalCount..<total]), primaryBits: 8,
                what: "distance", allowSingle: true, allowEmpty: true, offset: headerOffset)
            return (literal, distance)
        }
    }

    /// Decodes literal/length and distance symbols until end-of-block.
    mutating func codes(literal: HuffmanTable, distance: HuffmanTable) throws {
        var reader = self.reader
        defer { self.reader = reader }
        let output = self.output
        let start = self.start
        try literal.entries.withUnsafeBufferPointer { literalTable in
            try distance.entries.withUnsafeBufferPointer { distanceTable in
                try lengthBase.withUnsafeBufferPointer { lengthBase in
                    try lengthExtra.withUnsafeBufferPointer { lengthExtra in
                        try distanceBase.withUnsafeBufferPointer { distanceBase in
                            try distanceExtra.withUnsafeBufferPointer { distanceExtra in
                                let literalBits = literal.bits
                                let distanceBits = distance.bits
                                var base = output.base
                                var capacity = output.capacity
                                var count = output.count
                                defer { output.count = count }
                                while true {
                                    reader.refill()
                                    let symbol = try reader.decode(literalTable, bits: literalBits, what: "literal/length")
                                    if symbol < 256 {
                                        if count == capacity {
                                            output.count = count
                                            try output.reserve(count + 1, offset: reader.byteOffset)
                                            base = output.base
                                            capacity = output.capacity
                                        }
                                        base[count] = UInt8(truncatingIfNeeded: symbol)
                                        count += 1
                                        if reader.overrun { throw reader.truncated() }
                                        continue
                                    }
                                    if symbol == 256 {
                                        if reader.overrun { throw reader.truncated() }
                                        return
                                    }
                                    let lengthIndex = symbol - 257
                                    guard lengthIndex < 29 else {
                                        throw DecompressionError(offset: reader.byteOffset,
                                                                 reason: "invalid literal/length symbol \(symbol) (286 and 287 are reserved)")
                                    }
                                    let length = Int(lengthBase[lengthIndex]) + reader.take(Int(lengthExtra[lengthIndex]))
                                    guard !distance.isEmpty else {
                                        throw DecompressionError(offset: reader.byteOffset,
                                                                 reason: "back-reference in a block whose distance code is empty")
                                    }
                                    let distanceSymbol = try reader.decode(distanceTable, bits: distanceBits, what: "distance")
                                    guard distanceSymbol < 30 else {
                                        throw DecompressionError(offset: reader.byteOffset,
                                                                 reason: "invalid distance symbol \(distanceSymbol) (30 and 31 are reserved)")
                                    }
                                    let back = Int(distanceBase[distanceSymbol]) + reader.take(Int(distanceExtra[distanceSymbol]))
                                    if reader.overrun { throw reader.truncated() }
                                    guard back <= count - start else {
                                        throw DecompressionError(offset: reader.byteOffset,
                                                                 reason: "distance too far back: \(back) bytes, but only \(count - start) bytes have been decoded")
                                    }
                                    if count + length > capacity {
                                        output.count = count
                                        try output.reserve(count + length, offset: reader.byteOffset)
                                        base = output.base
                                        capacity = output.capacity
                                    }
                                    let destination = base + count
                                    let source = destination - back
                                    if back >= length {
                                        destination.update(from: source, count: length)
                                    } else {
                                        for i in 0..<length { destination[i] = source[i] }
                                    }
                                    count += length
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
