/// Why a gzip or DEFLATE stream could not be decoded, and where.
///
/// `offset` is the byte offset into the input (the whole `.gz` file for ``Gzip/decompress(_:maximumOutputSize:)``)
/// at which the problem was detected; for problems inside compressed data it is the byte
/// that holds the first unread bit.
///
/// ```swift
/// do {
///     _ = try Gzip.decompress([0x1F, 0x8B, 9])
/// } catch let error as DecompressionError {
///     print(error)   // gzip: truncated header: ... (at byte offset 0)
/// }
/// ```
public struct DecompressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte offset into the input where the problem was found.
    public var offset: Int
    /// What was wrong, e.g. `"CRC-32 mismatch: trailer says 0x12345678, data gives 0x9abcdef0"`.
    public var reason: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - offset: byte offset into the input.
    ///   - reason: what was wrong.
    ///
    /// ```swift
    /// let error = DecompressionError(offset: 3, reason: "invalid block type 3")
    /// ```
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// `"gzip: <reason> (at byte offset <offset>)"`.
    ///
    /// ```swift
    /// DecompressionError(offset: 3, reason: "invalid block type 3").description
    /// // "gzip: invalid block type 3 (at byte offset 3)"
    /// ```
    public var description: String { "gzip: \(reason) (at byte offset \(offset))" }
}
