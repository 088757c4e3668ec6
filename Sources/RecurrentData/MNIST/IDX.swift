/// A parsed IDX file (the format of the MNIST distribution): unsigned-byte data with its dimensions.
///
/// An IDX file starts with a 4-byte big-endian magic number 0x00 0x00 0x08 n (n = number of
/// dimensions; 0x08 = unsigned byte), then n big-endian 32-bit extents, then the data.
struct IDXFile {
    var dimensions: [Int]
    var data: [UInt8]

    /// Parses `bytes`, which must be exactly the header followed by the data.
    ///
    /// - Parameters:
    ///   - bytes: the unpacked file content.
    ///   - path: the file name, for error messages.
    ///   - expectedMagic: 2051 for images (3 dimensions) or 2049 for labels (1 dimension).
    /// - Throws: ``DatasetError/invalidContent(path:reason:)`` for a wrong magic number, a
    ///   header cut short, or a byte count that does not match the dimensions.
    static func parse(_ bytes: [UInt8], path: String, expectedMagic: Int) throws -> IDXFile {
        guard bytes.count >= 4 else {
            throw DatasetError.invalidContent(path: path, reason: "file has \(bytes.count) bytes, too short for an IDX header")
        }
        let magic = readBigEndian(bytes, at: 0)
        guard magic == expectedMagic else {
            throw DatasetError.invalidContent(path: path, reason: "expected magic \(expectedMagic), found \(magic)")
        }
        let rank = expectedMagic & 0xFF
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DatasetError.invalidContent(
                path: path, reason: "file has \(bytes.count) bytes, too short for an IDX header with \(rank) dimensions (\(headerSize) bytes)")
        }
        var dimensions: [Int] = []
        var count = 1
        for axis in 0..<rank {
            let extent = readBigEndian(bytes, at: 4 + 4 * axis)
            dimensions.append(extent)
            count = count.multipliedReportingOverflow(by: extent).overflow ? Int.max : count * extent
        }
        let payload = bytes.count - headerSize
        guard payload == count else {
            let shape = dimensions.map(String.init).joined(separator: " × ")
            throw DatasetError.invalidContent(
                path: path, reason: "header declares \(shape) = \(count) bytes of data, but the file holds \(payload)")
        }
        return IDXFile(dimensions: dimensions, data: Array(bytes[headerSize...]))
    }

    static func readBigEndian(_ bytes: [UInt8], at offset: Int) -> Int {
        Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
    }
}
