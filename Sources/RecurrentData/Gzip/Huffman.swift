// Table-driven canonical Huffman decoding for DEFLATE (RFC 1951 §3.2.2).
//
// A table is indexed by the next `bits` input bits (least significant bit first, which
// is the order DEFLATE sends Huffman codes in once they are bit-reversed). Each entry is
//
//   direct entry:  symbol << 16 | codeLength          (codeLength 1...15, bit 8 clear)
//   link entry:    subtableOffset << 16 | 0x100 | subtableBits
//   invalid entry: 0                                   (a bit pattern no code starts with)
//
// Codes longer than `bits` go through a link entry to a subtable indexed by the following
// `subtableBits` bits; a subtable's direct entries store the *remaining* code length.

/// A decoding table for one Huffman code.
struct HuffmanTable: Sendable {
    /// Entries as described at the top of this file; the first `1 << bits` are the primary table.
    var entries: [UInt32]
    /// Width of the primary index; 0 for a code with no symbols.
    var bits: Int

    /// True for a code without symbols (a distance code in a block of literals only).
    var isEmpty: Bool { bits == 0 }

    static let linkFlag: UInt32 = 0x100

    /// How a set of code lengths fills the code space.
    enum Shape: Equatable {
        case complete, incomplete, oversubscribed, empty
    }

    /// Counts codes per length and classifies the set (Kraft sum = 1, < 1, > 1, or no codes).
    static func shape(of lengths: UnsafeBufferPointer<UInt8>) -> (shape: Shape, used: Int, maxLength: Int) {
        var counts = [Int](repeating: 0, count: 16)
        var maxLength = 0
        for length in lengths where length != 0 {
            counts[Int(length)] += 1
            maxLength = max(maxLength, Int(length))
        }
        let used = counts.reduce(0, +)
        if used == 0 { return (.empty, 0, 0) }
        var left = 1
        for length in 1...15 {
            left = (left << 1) - counts[length]
            if left < 0 { return (.oversubscribed, used, maxLength) }
        }
        return (left == 0 ? .complete : .incomplete, used, maxLength)
    }

    /// Validates code lengths and builds the table.
    ///
    /// DEFLATE requires complete codes, with two exceptions zlib also accepts: a literal/length
    /// or distance code may consist of a single code of length 1, and a distance code may be
    /// empty (`allowEmpty`).
    static func build(lengths: UnsafeBufferPointer<UInt8>, primaryBits: Int, what: String,
                      allowSingle: Bool, allowEmpty: Bool, offset: Int) throws -> HuffmanTable {
        let (shape, used, maxLength) = Self.shape(of: lengths)
        switch shape {
        case .complete:
            break
        case .empty:
            if allowEmpty { return HuffmanTable(entries: [], bits: 0) }
            throw DecompressionError(offset: offset, reason: "invalid \(what) code lengths: no symbol has a code")
        case .oversubscribed:
            throw DecompressionError(offset: offset,
                                     reason: "invalid \(what) code lengths: over-subscribed (more codes than the lengths allow)")
        case .incomplete:
            if !(allowSingle && used == 1 && maxLength == 1) {
                throw DecompressionError(offset: offset,
                                         reason: "invalid \(what) code lengths: incomplete code (unused bit patterns)")
            }
        }
        return buildUnchecked(lengths: lengths, primaryBits: primaryBits)
    }

    /// Builds the table for lengths already known to be valid (not over-subscribed, not empty).
    static func buildUnchecked(lengths: UnsafeBufferPointer<UInt8>, primaryBits: Int) -> HuffmanTable {
        var counts = [Int](repeating: 0, count: 16)
        var maxLength = 0
        for length in lengths where length != 0 {
            counts[Int(length)] += 1
            maxLength = max(maxLength, Int(length))
        }
        let bits = min(primaryBits, maxLength)
        // First canonical code of each length (RFC 1951 §3.2.2, step 2).
        var nextCode = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + counts[length - 1]) << 1
            nextCode[length] = code
        }
        nextCode[0] = 0
        // Bit-reversed code of every symbol.
        var reversed = [Int](repeating: 0, count: lengths.count)
        for symbol in 0..<lengths.count {
            let length = Int(lengths[symbol])
            guard length != 0 else { continue }
            let c = nextCode[length]
            nextCode[length] += 1
            var r = 0
            for i in 0..<length where (c >> i) & 1 != 0 { r |= 1 << (length - 1 - i) }
            reversed[symbol] = r
        }
        // Subtable widths: for each primary index, the longest code that starts with it.
        let primarySize = 1 << bits
        let primaryMask = primarySize - 1
        var subtableBits = [Int](repeating: 0, count: primarySize)
        for symbol in 0..<lengths.count where Int(lengths[symbol]) > bits {
            let prefix = reversed[symbol] & primaryMask
            subtableBits[prefix] = max(subtableBits[prefix], Int(lengths[symbol]) - bits)
        }
        var size = primarySize
        var subtableOffset = [Int](repeating: 0, count: primarySize)
        for prefix in 0..<primarySize where subtableBits[prefix] > 0 {
            subtableOffset[prefix] = size
            size += 1 << subtableBits[prefix]
        }
        var entries = [UInt32](repeating: 0, count: size)
        for prefix in 0..<primarySize where subtableBits[prefix] > 0 {
            entries[prefix] = UInt32(subtableOffset[prefix]) << 16 | linkFlag | UInt32(subtableBits[prefix])
        }
        for symbol in 0..<lengths.count {
            let length = Int(lengths[symbol])
            guard length != 0 else { continue }
            let r = reversed[symbol]
            if length <= bits {
                let entry = UInt32(symbol) << 16 | UInt32(length)
                var index = r
                while index < primarySize {
                    entries[index] = entry
                    index += 1 << length
                }
            } else {
                let prefix = r & primaryMask
                let width = subtableBits[prefix]
                let remaining = length - bits
                let entry = UInt32(symbol) << 16 | UInt32(remaining)
                let base = subtableOffset[prefix]
                var index = r >> bits
                while index < (1 << width) {
                    entries[base + index] = entry
                    index += 1 << remaining
                }
            }
        }
        return HuffmanTable(entries: entries, bits: bits)
    }

    /// Builds a table from a literal list of lengths (used for the fixed codes).
    static func fixed(_ lengths: [UInt8], primaryBits: Int) -> HuffmanTable {
        lengths.withUnsafeBufferPointer { buildUnchecked(lengths: $0, primaryBits: primaryBits) }
    }

    /// The fixed literal/length code of RFC 1951 §3.2.6 (288 symbols; 286 and 287 never occur in valid data).
    static let fixedLiteralLength: HuffmanTable = fixed(
        [UInt8](repeating: 8, count: 144) + [UInt8](repeating: 9, count: 112)
            + [UInt8](repeating: 7, count: 24) + [UInt8](repeating: 8, count: 8),
        primaryBits: 9)

    /// The fixed distance code: 32 five-bit codes (30 and 31 never occur in valid data).
    static let fixedDistance: HuffmanTable = fixed([UInt8](repeating: 5, count: 32), primaryBits: 5)
}
