// CRC-32 as used by gzip (ISO 3309 / ITU-T V.42): reflected polynomial 0xEDB88320,
// initial value 0xFFFFFFFF, final complement. Computed eight bytes at a time
// ("slicing by 8"): table k maps a byte to its CRC contribution when followed by k zero bytes.

/// The eight 256-entry tables, stored one after another.
let crc32Tables: [UInt32] = {
    var tables = [UInt32](repeating: 0, count: 8 * 256)
    for n in 0..<256 {
        var c = UInt32(n)
        for _ in 0..<8 {
            c = (c & 1) != 0 ? (0xEDB8_8320 ^ (c >> 1)) : (c >> 1)
        }
        tables[n] = c
    }
    for k in 1..<8 {
        for n in 0..<256 {
            let previous = tables[(k - 1) * 256 + n]
            tables[k * 256 + n] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
        }
    }
    return tables
}()

/// Continues a CRC-32 over `bytes`; `crc` is the checksum of everything before them (0 to start).
func crc32Update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard let start = bytes.baseAddress, bytes.count > 0 else { return crc }
    return crc32Tables.withUnsafeBufferPointer { table -> UInt32 in
        var c = ~crc
        var p = start
        var remaining = bytes.count
        while remaining >= 8 {
            let one = UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)) ^ c
            let two = UInt32(littleEndian: (p + 4).loadUnaligned(as: UInt32.self))
            c = table[7 * 256 + Int(one & 0xFF)]
                ^ table[6 * 256 + Int((one >> 8) & 0xFF)]
                ^ table[5 * 256 + Int((one >> 16) & 0xFF)]
                ^ table[4 * 256 + Int(one >> 24)]
                ^ table[3 * 256 + Int(two & 0xFF)]
                ^ table[2 * 256 + Int((two >> 8) & 0xFF)]
                ^ table[1 * 256 + Int((two >> 16) & 0xFF)]
                ^ table[Int(two >> 24)]
            p += 8
            remaining -= 8
        }
        while remaining > 0 {
            c = table[Int((c ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (c >> 8)
            p += 1
            remaining -= 1
        }
        return ~c
    }
}

extension Gzip {
    /// The CRC-32 checksum gzip stores in its trailer (polynomial 0x04C11DB7, reflected; the same
    /// value as zlib's `crc32` and Python's `zlib.crc32`).
    ///
    /// - Parameters:
    ///   - bytes: the data to checksum.
    ///   - crc: the checksum of the data preceding `bytes`, to checksum in pieces; 0 to start.
    /// - Returns: the checksum of the preceding data followed by `bytes`.
    ///
    /// ```swift
    /// Gzip.crc32(Array("123456789".utf8))           // 0xCBF43926
    /// let whole = Gzip.crc32([3, 4], continuing: Gzip.crc32([1, 2]))
    /// assert(whole == Gzip.crc32([1, 2, 3, 4]))
    /// ```
    public static func crc32(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { crc32Update(crc, $0) }
    }
}
