/// Errors from locating, reading or validating a data set on disk.
///
/// Every message names the file (or directory) and what was wrong, and a missing file
/// also says how to point the tools at a copy.
///
/// ```swift
/// do {
///     _ = try MNIST.load(directory: "/nowhere")
/// } catch {
///     print(error)   // MNIST file train-images-idx3-ubyte(.gz) not found in /nowhere ...
/// }
/// ```
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A required file exists in neither its `.gz` nor its unpacked form.
    ///
    /// - Parameters:
    ///   - file: the base file name, e.g. `"train-images-idx3-ubyte"`.
    ///   - directory: the directory that was searched.
    case fileNotFound(file: String, directory: String)
    /// No data directory was given and none of the default locations exists.
    ///
    /// - Parameters:
    ///   - searched: the locations tried, in order, each with where it came from.
    case noDataDirectory(searched: [String])
    /// The file exists but could not be read.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - reason: the operating system's explanation or what else went wrong.
    case unreadable(path: String, reason: String)
    /// The file was read but its content is not what was expected.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - reason: what was wrong, e.g. `"expected magic 2049, found 2051"`.
    case invalidContent(path: String, reason: String)

    /// How to tell the tools where MNIST is.
    static let pointerHint =
        "Put the four MNIST files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
        + "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz; gzipped or unpacked) there, "
        + "or point the tools at a copy with `rnn train --data DIR` or the environment variable RNN_MNIST_DIR=DIR."

    /// A one-paragraph message naming the file or directory and what was wrong.
    ///
    /// ```swift
    /// DatasetError.invalidContent(path: "train-labels-idx1-ubyte.gz", reason: "expected magic 2049, found 2051").description
    /// // "train-labels-idx1-ubyte.gz: expected magic 2049, found 2051"
    /// ```
    public var description: String {
        switch self {
        case let .fileNotFound(file, directory):
            return "MNIST file \(file)(.gz) not found in \(directory) (looked for \(file).gz and \(file)). "
                + Self.pointerHint
        case let .noDataDirectory(searched):
            return "no MNIST directory found; searched: " + searched.joined(separator: "; ") + ". " + Self.pointerHint
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .invalidContent(path, reason):
            return "\(path): \(reason)"
        }
    }
}
