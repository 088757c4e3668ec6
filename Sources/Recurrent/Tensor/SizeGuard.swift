#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one check for every allocation whose size a user's numbers drive (layer sizes, batches, sequence
/// lengths, shapes read from files): the bytes are computed with overflow checks and refused above a limit
/// *before* anything is allocated, so an impossible request throws a message instead of aborting the process.
///
/// The limit is half of the machine's physical memory (`sysconf(_SC_PHYS_PAGES)` × page size on Linux,
/// `sysctl hw.memsize` on Darwin), or the environment variable `RNN_MEMORY_LIMIT` when set: a byte count
/// with an optional binary suffix `K`, `M`, `G` or `T` (for example `RNN_MEMORY_LIMIT=512M`). The variable
/// is read once per process.
///
/// ```swift
/// // A cell's weights: (4H, H) and (4H, I) Floats for an LSTM with H = 100 000 000.
/// do {
///     try SizeGuard.check([[400_000_000, 100_000_000], [400_000_000, 1]], of: Float.self,
///                         setting: "hiddenSize = 100000000")
/// } catch {
///     print(error)   // hiddenSize = 100000000: needs 160000001600000000 bytes, more than the limit of …
/// }
/// ```
public enum SizeGuard {
    /// The largest number of bytes one request may need: `RNN_MEMORY_LIMIT` if set, else half of the physical
    /// memory.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` when `RNN_MEMORY_LIMIT` is not a byte count.
    public static func limit() throws -> Int {
        try configuredLimit.get()
    }

    /// The product of `shape` times `elementSize` bytes, with overflow checks and no limit.
    ///
    /// - Parameters:
    ///   - shape: the extents (each zero or positive).
    ///   - elementSize: bytes per element.
    ///   - setting: what the shape comes from, for the message (e.g. `"--hidden 100000000"`).
    /// - Returns: the number of bytes.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming `setting` for a negative extent or a
    ///   product that overflows `Int`.
    public static func bytes(of shape: [Int], elementSize: Int, setting: String) throws -> Int {
        var total = elementSize
        for extent in shape {
            guard extent >= 0 else {
                throw RecurrentError.invalidArgument(what: setting, reason: "shape \(shapeString(shape)) has a negative extent")
            }
            let (product, overflow) = total.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw RecurrentError.invalidArgument(
                    what: setting, reason: "shape \(shapeString(shape)) of \(elementSize)-byte elements needs more bytes than Int can count")
            }
            total = product
        }
        return total
    }

    /// Refuses `bytes` above ``limit()``.
    ///
    /// - Parameters:
    ///   - bytes: the bytes the request needs.
    ///   - setting: the setting or file that asks for them, named in the message (evaluated only for a refusal, so
    ///     a check on every allocation builds no string).
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming `setting`, the bytes and the limit.
    public static func check(bytes: Int, setting: @autoclosure () -> String) throws {
        try check(bytes: bytes, setting: setting(), limit: limit())
    }

    /// Sums the bytes of several tensors of `Scalar` (overflow-checked) and refuses the total above ``limit()``.
    ///
    /// - Parameters:
    ///   - shapes: the shapes of every tensor the request allocates.
    ///   - type: the scalar type (its stride is the element size).
    ///   - setting: the setting that drives the sizes, named in the message.
    /// - Returns: the total number of bytes.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming `setting`, the bytes and the limit.
    @discardableResult
    public static func check<Scalar>(_ shapes: [[Int]], of type: Scalar.Type, setting: String) throws -> Int {
        var total = 0
        for shape in shapes {
            let (sum, overflow) = total.addingReportingOverflow(
                try bytes(of: shape, elementSize: MemoryLayout<Scalar>.stride, setting: setting))
            guard !overflow else {
                throw RecurrentError.invalidArgument(what: setting, reason: "the tensors need more bytes than Int can count")
            }
            total = sum
        }
        try check(bytes: total, setting: setting)
        return total
    }

    static func check(bytes: Int, setting: @autoclosure () -> String, limit: Int) throws {
        guard bytes <= limit else {
            throw RecurrentError.invalidArgument(
                what: setting(),
                reason: "needs \(bytes) bytes, more than the limit of \(limit) bytes "
                    + "(half of the physical memory, or RNN_MEMORY_LIMIT)")
        }
    }

    /// `RNN_MEMORY_LIMIT` parsed, or half of the physical memory; read once.
    static let configuredLimit: Result<Int, RecurrentError> = {
        if let value = getenv("RNN_MEMORY_LIMIT") {
            let text = String(cString: value)
            if !text.isEmpty {
                guard let parsed = parseLimit(text) else {
                    return .failure(RecurrentError.invalidArgument(
                        what: "RNN_MEMORY_LIMIT=\(text)", reason: "expected a positive byte count, optionally with K, M, G or T"))
                }
                return .success(parsed)
            }
        }
        return .success(physicalMemory() / 2)
    }()

    /// A positive byte count with an optional binary suffix (`K`, `M`, `G`, `T`, any case, optional `B`/`iB`).
    static func parseLimit(_ text: String) -> Int? {
        var digits = Substring(text)
        var multiplier = 1
        let suffixes: [(String, Int)] = [("t", 1 << 40), ("g", 1 << 30), ("m", 1 << 20), ("k", 1 << 10)]
        let lower = text.lowercased()
        for tail in ["ib", "b", ""] {
            for (letter, factor) in suffixes where lower.hasSuffix(letter + tail) {
                digits = digits.dropLast(letter.count + tail.count)
                multiplier = factor
                break
            }
            if multiplier != 1 { break }
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int(digits), value > 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }

    /// The machine's physical memory in bytes (a conservative 1 GiB when the system does not say).
    static func physicalMemory() -> Int {
        #if canImport(Darwin)
        var bytes: UInt64 = 0
        var size = MemoryLayout<UInt64>.size
        if sysctlbyname("hw.memsize", &bytes, &size, nil, 0) == 0, bytes > 0 { return Int(clamping: bytes) }
        #else
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, pageSize > 0 {
            let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
            return overflow ? Int.max : bytes
        }
        #endif
        return 1 << 30
    }
}
