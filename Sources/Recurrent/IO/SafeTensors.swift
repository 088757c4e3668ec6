/// The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
/// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {String: String}}`, then the
/// little-endian tensor data; offsets are relative to the end of the header. PyTorch, MLX, JAX and the
/// Hugging Face tools read and write it.
///
/// The reader treats every file as hostile: it bounds-checks the header length and every offset, rejects
/// overlapping or out-of-range tensors, byte counts that do not match dtype × shape, shapes whose element
/// count overflows, duplicate names and invalid UTF-8, and names the file and the tensor in each error.
///
/// ```swift
/// let bytes = try SafeTensors.encode([("weight", w)], metadata: ["cell": "lstm"])
/// let file = try SafeTensors.decode(bytes, as: Float.self, source: "model.safetensors")
/// let w2 = try file.tensor("weight")
/// ```
public enum SafeTensors {
    /// Element types the reader understands; F32 and F64 are written.
    ///
    /// The raw values are the `dtype` strings of the safetensors header.
    public enum DType: String, Sendable, CaseIterable {
        /// IEEE 754 half precision (`"F16"`), read only: 1 sign, 5 exponent, 10 significand bits.
        case f16 = "F16"
        /// bfloat16 (`"BF16"`), read only: the upper 16 bits of a `Float`.
        case bf16 = "BF16"
        /// IEEE 754 single precision (`"F32"`), read and written.
        case f32 = "F32"
        /// IEEE 754 double precision (`"F64"`), read and written.
        case f64 = "F64"

        /// Bytes per element: 2, 2, 4 or 8.
        public var byteCount: Int {
            switch self {
            case .f16, .bf16: return 2
            case .f32: return 4
            case .f64: return 8
            }
        }
    }

    /// The decoded content of a file.
    public struct Contents<Scalar: RecurrentScalar>: Sendable {
        /// Tensors in file order (by offset).
        public var tensors: [(name: String, tensor: Tensor<Scalar>)]
        /// The `__metadata__` map (empty when absent).
        public var metadata: [String: String]
        /// Where the bytes came from, used in error messages.
        public var source: String

        /// Contents assembled in memory (for example a subset of another file's tensors).
        /// - Parameters:
        ///   - tensors: name and tensor pairs.
        ///   - metadata: the `__metadata__` map.
        ///   - source: a name for error messages.
        public init(tensors: [(name: String, tensor: Tensor<Scalar>)], metadata: [String: String] = [:], source: String) {
            self.tensors = tensors
            self.metadata = metadata
            self.source = source
        }

        /// The tensor called `name`.
        /// - Parameter name: the tensor's name in the header, e.g. `weight_ih_l0`.
        /// - Returns: the tensor.
        /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming the file, the missing tensor and
        ///   the names the file does hold.
        public func tensor(_ name: String) throws -> Tensor<Scalar> {
            guard let found = tensors.first(where: { $0.name == name }) else {
                throw RecurrentError.invalidArgument(
                    what: "\(source): tensor '\(name)'",
                    reason: "missing; the file holds \(tensors.map(\.name).sorted().joined(separator: ", "))")
            }
            return found.tensor
        }

        /// Throws at the first NaN or infinity in any tensor, naming the file, the tensor and the flat index
        /// (``RecurrentError/nonFinite(what:index:)`` with `what` = `"<source>: tensor '<name>'"`).
        /// Weights are loaded with it, so a broken file is refused instead of producing NaN outputs.
        ///
        /// ```swift
        /// let file = try SafeTensors.read(from: "model.safetensors", as: Float.self)
        /// try file.requireFinite()
        /// ```
        public func requireFinite() throws {
            for (name, tensor) in tensors {
                try tensor.requireFinite("\(source): tensor '\(name)'")
            }
        }
    }

    /// Largest header accepted (the reference implementation's limit is 100 MB).
    public static let maximumHeaderSize = 100_000_000

    /// Serializes tensors (in the given order) and metadata.
    ///
    /// The header lists the tensors in the given order with consecutive `data_offsets`, the metadata keys
    /// sorted, and is padded with spaces so that the data starts at a multiple of 8 bytes.
    ///
    /// - Parameters:
    ///   - tensors: names must be unique and not `__metadata__`.
    ///   - metadata: string pairs stored under `__metadata__`.
    ///   - dtype: `.f32` or `.f64`; `nil` stores each scalar type as itself.
    /// - Returns: the complete file.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` for a duplicate or reserved name, or a dtype
    ///   other than F32 and F64.
    public static func encode<S: RecurrentScalar>(_ tensors: [(String, Tensor<S>)], metadata: [String: String] = [:],
                                                  dtype: DType? = nil) throws -> [UInt8] {
        let type = dtype ?? (S.self == Float.self ? .f32 : .f64)
        guard type == .f32 || type == .f64 else {
            throw RecurrentError.invalidArgument(what: "SafeTensors.encode", reason: "writing \(type.rawValue) is not supported; use F32 or F64")
        }
        var names = Set<String>()
        var members: [(String, JSONValue)] = []
        if !metadata.isEmpty {
            members.append(("__metadata__", .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        var offset = 0
        for (name, tensor) in tensors {
            guard name != "__metadata__", names.insert(name).inserted else {
                throw RecurrentError.invalidArgument(what: "SafeTensors.encode tensor '\(name)'", reason: "duplicate or reserved name")
            }
            let size = tensor.count * type.byteCount
            members.append((name, .object([
                ("dtype", .string(type.rawValue)),
                ("shape", .array(tensor.shape.map { .number(Double($0), integer: $0) })),
                ("data_offsets", .array([.number(Double(offset), integer: offset), .number(Double(offset + size), integer: offset + size)])),
            ])))
            offset += size
        }
        var header = Array(renderJSON(.object(members)).utf8)
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        while (8 + header.count) % 8 != 0 { header.append(0x20) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + header.count + offset)
        appendLittleEndian(&bytes, UInt64(header.count))
        bytes += header
        for (_, tensor) in tensors {
            for value in tensor.scalars {
                if type == .f32 { appendLittleEndian(&bytes, Float(value).bitPattern) } else { appendLittleEndian(&bytes, Double(value).bitPattern) }
            }
        }
        return bytes
    }

    /// Parses and validates a safetensors buffer, converting every tensor to `S`.
    ///
    /// F16 and BF16 are widened exactly to `Float` first; every value is then converted to `S`
    /// (rounding to nearest when `S` is narrower than the stored type).
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - type: the scalar type of the returned tensors.
    ///   - source: the file's name for error messages.
    /// - Returns: the tensors in file order and the `__metadata__` map.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming the file, the tensor and the problem.
    /// - Complexity: O(header + data) time; the data is copied once into the tensors.
    ///
    /// ```swift
    /// let w = try Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3, 4])
    /// let bytes = try SafeTensors.encode([("w", w)])
    /// let file = try SafeTensors.decode(bytes, as: Double.self, source: "memory")
    /// print(try file.tensor("w").shape)   // [2, 2]
    /// ```
    public static func decode<S: RecurrentScalar>(_ bytes: [UInt8], as type: S.Type, source: String) throws -> Contents<S> {
        func failure(_ part: String?, _ reason: String) -> RecurrentError {
            RecurrentError.invalidArgument(what: part.map { "\(source): tensor '\($0)'" } ?? source, reason: reason)
        }
        guard bytes.count >= 8 else { throw failure(nil, "\(bytes.count) bytes is too short for the 8-byte header length") }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(maximumHeaderSize) else { throw failure(nil, "header length \(length) exceeds the limit \(maximumHeaderSize)") }
        guard Int(length) <= bytes.count - 8 else {
            throw failure(nil, "header length \(length) runs past the end of the file (\(bytes.count - 8) bytes follow)")
        }
        let headerEnd = 8 + Int(length)
        let json: JSONValue
        do { json = try JSONParser.parse(Array(bytes[8..<headerEnd])) } catch { throw failure(nil, "header: \(error)") }
        guard case let .object(members) = json else { throw failure(nil, "header is not a JSON object") }
        let dataSize = bytes.count - headerEnd
        var metadata: [String: String] = [:]
        var entries: [(name: String, type: DType, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in members {
            if name == "__metadata__" {
                guard case let .object(pairs) = value else { throw failure(nil, "__metadata__ is not an object") }
                for (key, item) in pairs {
                    guard case let .string(text) = item else { throw failure(nil, "__metadata__ value of '\(key)' is not a string") }
                    metadata[key] = text
                }
                continue
            }
            guard case .object = value else { throw failure(name, "entry is not an object") }
            guard case let .string(typeName)? = value["dtype"] else { throw failure(name, "missing dtype") }
            guard let type = DType(rawValue: typeName) else {
                throw failure(name, "unsupported dtype \(typeName); expected one of F16, BF16, F32, F64")
            }
            guard case let .array(shapeItems)? = value["shape"] else { throw failure(name, "missing shape") }
            var shape: [Int] = []
            var count = 1
            for item in shapeItems {
                guard case let .number(_, integer?) = item, integer >= 0 else { throw failure(name, "shape \(renderJSON(.array(shapeItems))) has a non-integer or negative extent") }
                shape.append(integer)
                let (product, overflow) = count.multipliedReportingOverflow(by: integer)
                guard !overflow, product <= Int.max / 8 else { throw failure(name, "shape \(shape) overflows the element count") }
                count = product
            }
            guard case let .array(offsets)? = value["data_offsets"], offsets.count == 2,
                  case let .number(_, begin?) = offsets[0], case let .number(_, end?) = offsets[1] else {
                throw failure(name, "data_offsets must be two integers")
            }
            guard begin >= 0, begin <= end, end <= dataSize else {
                throw failure(name, "data_offsets [\(begin), \(end)] out of range: the data section has \(dataSize) bytes")
            }
            guard end - begin == count * type.byteCount else {
                throw failure(name, "\(end - begin) bytes do not match dtype \(type.rawValue) × shape \(shape) = \(count * type.byteCount) bytes")
            }
            entries.append((name, type, shape, begin, end))
        }
        entries.sort { $0.begin < $1.begin || ($0.begin == $1.begin && $0.end < $1.end) }
        for (a, b) in zip(entries, entries.dropFirst()) where b.begin < a.end {
            throw failure(b.name, "data [\(b.begin), \(b.end)] overlaps tensor '\(a.name)' [\(a.begin), \(a.end)]")
        }
        let tensors = try entries.map { entry -> (name: String, tensor: Tensor<S>) in
            let base = headerEnd + entry.begin
            let count = (entry.end - entry.begin) / entry.type.byteCount
            var values = [S](repeating: 0, count: count)
            bytes.withUnsafeBufferPointer { raw in
                for i in 0..<count {
                    let p = base + i * entry.type.byteCount
                    switch entry.type {
                    case .f64:
                        var bits: UInt64 = 0
                        for k in 0..<8 { bits |= UInt64(raw[p + k]) << (8 * UInt64(k)) }
                        values[i] = S(Double(bitPattern: bits))
                    case .f32:
                        var bits: UInt32 = 0
                        for k in 0..<4 { bits |= UInt32(raw[p + k]) << (8 * UInt32(k)) }
                        values[i] = S(Float(bitPattern: bits))
                    case .bf16:
                        let bits = UInt32(raw[p]) << 16 | UInt32(raw[p + 1]) << 24
                        values[i] = S(Float(bitPattern: bits))
                    case .f16:
                        values[i] = S(halfToFloat(UInt16(raw[p]) | UInt16(raw[p + 1]) << 8))
                    }
                }
            }
            return (entry.name, try Tensor(shape: entry.shape, scalars: values))
        }
        return Contents(tensors: tensors, metadata: metadata, source: source)
    }

    /// Writes tensors atomically (see ``FileIO/writeAtomically(_:to:)``).
    ///
    /// - Parameters:
    ///   - tensors: name and tensor pairs, in file order; names must be unique and not `__metadata__`.
    ///   - metadata: string pairs stored under `__metadata__`.
    ///   - dtype: `.f32` or `.f64`; `nil` stores each scalar type as itself.
    ///   - path: the destination, replaced atomically.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` for an invalid name or dtype, or an I/O failure
    ///   naming the path.
    ///
    /// ```swift
    /// // python: from safetensors.torch import load_file; load_file("/tmp/lstm.safetensors")
    /// let cell = try LSTMCell<Float>(inputSize: 3, hiddenSize: 8, seed: 1)
    /// try SafeTensors.write(Array(zip(cell.parameterNames.map { $0 + "_l0" }, cell.parameters)),
    ///                       metadata: cell.descriptor, to: "/tmp/lstm.safetensors")
    /// ```
    public static func write<S: RecurrentScalar>(_ tensors: [(String, Tensor<S>)], metadata: [String: String] = [:],
                                                 dtype: DType? = nil, to path: String) throws {
        try FileIO.writeAtomically(encode(tensors, metadata: metadata, dtype: dtype), to: path)
    }

    /// Reads and validates a file (see ``decode(_:as:source:)``).
    ///
    /// - Parameters:
    ///   - path: the file; it also names the source in error messages.
    ///   - type: the scalar type of the returned tensors.
    /// - Returns: the tensors in file order and the metadata.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming the path, for I/O errors and every
    ///   format problem.
    public static func read<S: RecurrentScalar>(from path: String, as type: S.Type) throws -> Contents<S> {
        try decode(FileIO.readAll(path), as: type, source: path)
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { bytes += $0 }
    }
}
