import Recurrent

/// A text file for a language model: read whole, checked to be UTF-8, split into training and validation text.
///
/// ```swift
/// let corpus = try TextCorpus(text: "To be, or not to be: that is the question.")
/// let (train, validation) = try corpus.split(validationFraction: 0.1)
/// print(validation)                                          // prints tion.
/// ```
public struct TextCorpus: Sendable {
    /// The whole text.
    public let text: String

    /// A corpus from text in memory.
    /// - Throws: for an empty text.
    public init(text: String) throws {
        guard !text.isEmpty else { throw RecurrentError.invalidArgument(what: "TextCorpus", reason: "the text is empty") }
        self.text = text
    }

    /// Reads a UTF-8 text file.
    /// - Parameters:
    ///   - path: the file.
    ///   - limit: the largest accepted size in bytes (default 1 GiB).
    /// - Throws: ``DatasetError`` naming the file: unreadable, larger than `limit`, empty, or not UTF-8 (with the
    ///   byte offset of the first invalid sequence).
    public static func load(path: String, limit: Int = 1 << 30) throws -> TextCorpus {
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(path, limit: limit) } catch {
            throw DatasetError.unreadable(path: path, reason: "\(error)")
        }
        guard !bytes.isEmpty else { throw DatasetError.invalidContent(path: path, reason: "the file is empty") }
        if let offset = firstInvalidUTF8(bytes) {
            throw DatasetError.invalidContent(path: path, reason: "not valid UTF-8 at byte \(offset) (0x\(String(bytes[offset], radix: 16)))")
        }
        return try TextCorpus(text: String(decoding: bytes, as: UTF8.self))
    }

    /// The byte offset of the first invalid UTF-8 sequence, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// The text cut at a Unicode scalar: the first (1 − f) for training, the last f for validation.
    /// - Throws: unless 0 < f < 1 and both parts hold at least one scalar.
    public func split(validationFraction f: Double) throws -> (train: String, validation: String) {
        guard f > 0, f < 1 else {
            throw RecurrentError.invalidArgument(what: "TextCorpus.split validationFraction", reason: "must lie in (0, 1), got \(f)")
        }
        let scalars = Array(text.unicodeScalars)
        let cut = Int((Double(scalars.count) * (1 - f)).rounded())
        guard cut > 0, cut < scalars.count else {
            throw RecurrentError.invalidArgument(what: "TextCorpus.split",
                                                 reason: "a text of \(scalars.count) characters leaves one part empty at fraction \(f)")
        }
        return (String(String.UnicodeScalarView(scalars[..<cut])), String(String.UnicodeScalarView(scalars[cut...])))
    }
}
