/// The MNIST database of handwritten digits, as raw bytes.
///
/// Images are 28 × 28 grey values (0 = background, 255 = ink), stored row-major one image
/// after another; labels are the digits 0…9. ``load(directory:)`` reads the four standard
/// IDX files, gzipped as distributed (`train-images-idx3-ubyte.gz`, …) or already unpacked
/// (same names without `.gz`); the format is recognised by the gzip magic bytes, not the name.
///
/// ```swift
/// guard let directory = MNIST.defaultDirectory() else { fatalError("no MNIST") }
/// let mnist = try MNIST.load(directory: directory)
/// print(mnist.trainCount, mnist.testCount)   // 60000 10000
/// let firstPixel = mnist.trainImages[0 * MNIST.pixelsPerImage + 0]
/// ```
public struct MNIST: Sendable, Equatable {
    /// Rows and columns of an image.
    public static let imageSide = 28
    /// Pixels per image (784).
    public static let pixelsPerImage = imageSide * imageSide
    /// Number of classes (digits 0…9).
    public static let classCount = 10

    /// Training images, (trainCount, 784) row-major.
    public let trainImages: [UInt8]
    /// Training labels, one digit per image.
    public let trainLabels: [UInt8]
    /// Test images, (testCount, 784) row-major.
    public let testImages: [UInt8]
    /// Test labels, one digit per image.
    public let testLabels: [UInt8]

    /// Number of training examples (60 000 for the standard files).
    public var trainCount: Int { trainLabels.count }
    /// Number of test examples (10 000 for the standard files).
    public var testCount: Int { testLabels.count }

    /// The base names of the four files, in the order train images, train labels, test images, test labels.
    public static let fileNames = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                   "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

    /// Creates a data set from arrays, validating them (for tests and synthetic data).
    ///
    /// - Parameters:
    ///   - trainImages: `trainLabels.count × 784` grey values.
    ///   - trainLabels: digits 0…9.
    ///   - testImages: `testLabels.count × 784` grey values.
    ///   - testLabels: digits 0…9.
    /// - Throws: ``DatasetError/invalidContent(path:reason:)`` (path `"MNIST(...)"`) when the
    ///   image counts do not match the label counts or a label is outside 0…9.
    ///
    /// ```swift
    /// let tiny = try MNIST(trainImages: [UInt8](repeating: 0, count: 784), trainLabels: [3],
    ///                      testImages: [UInt8](repeating: 255, count: 784), testLabels: [7])
    /// ```
    public init(trainImages: [UInt8], trainLabels: [UInt8], testImages: [UInt8], testLabels: [UInt8]) throws {
        let source = "MNIST(trainImages:trainLabels:testImages:testLabels:)"
        try Self.check(images: trainImages.count, labels: trainLabels, imagePath: source + " trainImages",
                       labelPath: source + " trainLabels")
        try Self.check(images: testImages.count, labels: testLabels, imagePath: source + " testImages",
                       labelPath: source + " testLabels")
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.testImages = testImages
        self.testLabels = testLabels
    }

    private static func check(images byteCount: Int, labels: [UInt8], imagePath: String, labelPath: String) throws {
        if let index = labels.firstIndex(where: { $0 > 9 }) {
            throw DatasetError.invalidContent(path: labelPath, reason: "label \(labels[index]) at index \(index) is not a digit 0…9")
        }
        guard byteCount == labels.count * pixelsPerImage else {
            throw DatasetError.invalidContent(
                path: imagePath,
                reason: "\(byteCount) bytes is not \(labels.count) images of \(pixelsPerImage) pixels (one per label)")
        }
    }

    /// Loads the four MNIST files from `directory`.
    ///
    /// For each file, `NAME` (unpacked) is preferred over `NAME.gz` when both exist; either
    /// may actually be gzipped or not, which is detected from the first two bytes (1f 8b).
    /// Images must have magic 2051 and dimensions (count, 28, 28); labels magic 2049, values
    /// 0…9; each image file must hold as many images as its label file has labels.
    ///
    /// - Parameters:
    ///   - directory: the directory holding the files.
    /// - Returns: the decoded data set.
    /// - Throws: ``DatasetError/fileNotFound(file:directory:)`` naming the file, the directory
    ///   and how to point the tools at a copy; ``DatasetError/unreadable(path:reason:)``;
    ///   ``DatasetError/invalidContent(path:reason:)`` for corrupt gzip data, a wrong magic
    ///   number or dimensions, a bad label, or mismatched counts.
    ///
    /// ```swift
    /// let mnist = try MNIST.load(directory: "/data/mnist")
    /// ```
    public static func load(directory: String) throws -> MNIST {
        let trainImages = try readImages(fileNames[0], in: directory)
        let trainLabels = try readLabels(fileNames[1], in: directory)
        let testImages = try readImages(fileNames[2], in: directory)
        let testLabels = try readLabels(fileNames[3], in: directory)
        for (images, labels) in [(trainImages, trainLabels), (testImages, testLabels)] where images.count != labels.count {
            throw DatasetError.invalidContent(
                path: images.path,
                reason: "holds \(images.count) images but \(labels.path) holds \(labels.count) labels")
        }
        return MNIST(unchecked: trainImages.data, trainLabels.data, testImages.data, testLabels.data)
    }

    /// Loads MNIST from ``defaultDirectory()``.
    ///
    /// - Returns: the decoded data set.
    /// - Throws: ``DatasetError/noDataDirectory(searched:)`` listing the locations tried when
    ///   none exists, otherwise the errors of ``load(directory:)``.
    ///
    /// ```swift
    /// let mnist = try MNIST.load()
    /// ```
    public static func load() throws -> MNIST {
        guard let directory = defaultDirectory() else {
            throw DatasetError.noDataDirectory(searched: defaultDirectoryCandidates().map { "\($0.path) (\($0.source))" })
        }
        return try load(directory: directory)
    }

    /// The first existing directory of: `$RNN_MNIST_DIR`, `$RNN_SHARED_DIR/data/mnist`,
    /// and `../shared/data/mnist` relative to the current directory (returned resolved to an absolute path).
    ///
    /// - Returns: the directory, or nil when none of them exists.
    ///
    /// ```swift
    /// if let directory = MNIST.defaultDirectory() {
    ///     let mnist = try MNIST.load(directory: directory)
    /// }
    /// ```
    public static func defaultDirectory() -> String? {
        defaultDirectoryCandidates().first { FileSystem.isDirectory($0.path) }?.path
    }

    static func defaultDirectoryCandidates() -> [(path: String, source: String)] {
        var candidates: [(String, String)] = []
        if let explicit = FileSystem.environment("RNN_MNIST_DIR") {
            candidates.append((explicit, "$RNN_MNIST_DIR"))
        }
        if let shared = FileSystem.environment("RNN_SHARED_DIR") {
            candidates.append((FileSystem.join(shared, "data/mnist"), "$RNN_SHARED_DIR/data/mnist"))
        }
        if let current = FileSystem.currentDirectory() {
            let relative = FileSystem.join(current, "../shared/data/mnist")
            candidates.append((FileSystem.isDirectory(relative) ? FileSystem.canonical(relative) : relative,
                               "../shared/data/mnist from the current directory"))
        }
        return candidates
    }

    private init(unchecked trainImages: [UInt8], _ trainLabels: [UInt8], _ testImages: [UInt8], _ testLabels: [UInt8]) {
        self.trainImages = trainImages
        self.trainLabels = trainLabels
        self.testImages = testImages
        self.testLabels = testLabels
    }

    /// Decoded content of one file and where it came from.
    struct Part {
        var path: String
        var data: [UInt8]
        var count: Int
    }

    /// Finds `name` or `name.gz` in `directory`, reads it and gunzips it if it starts with 1f 8b.
    static func readUnpacked(_ name: String, in directory: String) throws -> (path: String, bytes: [UInt8]) {
        let plain = FileSystem.join(directory, name)
        let packed = plain + ".gz"
        let path: String
        if FileSystem.isFile(plain) {
            path = plain
        } else if FileSystem.isFile(packed) {
            path = packed
        } else {
            throw DatasetError.fileNotFound(file: name, directory: directory)
        }
        let raw = try FileSystem.readFile(path)
        guard Gzip.isGzip(raw) else { return (path, raw) }
        do {
            return (path, try Gzip.decompress(raw, maximumOutputSize: 1 << 30))
        } catch let error as DecompressionError {
            throw DatasetError.invalidContent(path: path, reason: error.description)
        }
    }

    static func readImages(_ name: String, in directory: String) throws -> Part {
        let (path, bytes) = try readUnpacked(name, in: directory)
        let file = try IDXFile.parse(bytes, path: path, expectedMagic: 2051)
        guard file.dimensions[1] == imageSide && file.dimensions[2] == imageSide else {
            throw DatasetError.invalidContent(
                path: path, reason: "expected \(imageSide) × \(imageSide) images, found \(file.dimensions[1]) × \(file.dimensions[2])")
        }
        return Part(path: path, data: file.data, count: file.dimensions[0])
    }

    static func readLabels(_ name: String, in directory: String) throws -> Part {
        let (path, bytes) = try readUnpacked(name, in: directory)
        let file = try IDXFile.parse(bytes, path: path, expectedMagic: 2049)
        if let index = file.data.firstIndex(where: { $0 > 9 }) {
            throw DatasetError.invalidContent(path: path, reason: "label \(file.data[index]) at index \(index) is not a digit 0…9")
        }
        return Part(path: path, data: file.data, count: file.dimensions[0])
    }
}
