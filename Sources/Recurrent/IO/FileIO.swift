#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File reading and atomic writing shared by every format the library saves.
///
/// Writing follows one rule: a regular file is replaced atomically (temporary file, `fsync`, `rename`); a
/// symbolic link is followed and its *target* is replaced the same way (the link stays a link); anything
/// else — a directory, a FIFO, a device, a socket — is refused and left as it is.
public enum FileIO {
    /// Largest input accepted from a pipe or device, whose size is unknown until read (1 GiB).
    public static let streamLimit = 1 << 30

    /// Reads a whole file, refusing files larger than `limit` bytes.
    ///
    /// The size of a regular file is taken from `fstat` before reading and checked against `limit` and
    /// ``SizeGuard``, so a huge file fails at once instead of exhausting memory. A pipe or device has no
    /// size: it is read in chunks and refused as soon as it exceeds `min(limit, streamLimit)`. Directories
    /// are refused. Interrupted reads are retried.
    ///
    /// - Parameters:
    ///   - path: the file to read.
    ///   - limit: the largest accepted size in bytes (default 16 GiB).
    /// - Returns: the file's bytes.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming the path and the reason.
    ///
    /// ```swift
    /// let bytes = try FileIO.readAll("model.safetensors", limit: 1 << 30)
    /// ```
    public static func readAll(_ path: String, limit: Int = 1 << 34) throws -> [UInt8] {
        let input = try Input(path)
        defer { input.close() }
        if let size = input.size {
            guard size <= limit else {
                throw RecurrentError.invalidArgument(what: path, reason: "file is \(size) bytes, more than the limit of \(limit)")
            }
            try SizeGuard.check(bytes: size, setting: path)
            let bytes = try input.read(upTo: size)
            guard bytes.count == size else { throw failure(path, "read \(bytes.count) of \(size) bytes (file changed while reading?)", 0) }
            return bytes
        }
        let cap = min(limit, streamLimit)
        let bytes = try input.read(upTo: cap + 1)
        guard bytes.count <= cap else {
            throw RecurrentError.invalidArgument(
                what: path, reason: "\(input.kind) gave more than \(cap) bytes, the limit for inputs that cannot report their size")
        }
        return bytes
    }

    /// An open file for reading: a regular file (with its size) or a pipe, device or socket (without).
    struct Input {
        let path: String
        let descriptor: Int32
        /// The size of a regular file; `nil` for a stream.
        let size: Int?
        /// "pipe", "character device", … for messages.
        let kind: String

        init(_ path: String) throws {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw failure(path, "cannot open for reading", errno) }
            var info = stat()
            guard fstat(descriptor, &info) == 0 else {
                let code = errno
                _ = Glibc_close(descriptor)
                throw failure(path, "cannot stat", code)
            }
            let type = info.st_mode & S_IFMT
            guard type != S_IFDIR else {
                _ = Glibc_close(descriptor)
                throw RecurrentError.invalidArgument(what: path, reason: "is a directory, not a file")
            }
            self.path = path
            self.descriptor = descriptor
            self.size = type == S_IFREG ? Int(info.st_size) : nil
            self.kind = FileIO.kindName(type)
        }

        func close() { _ = Glibc_close(descriptor) }

        /// Reads until `count` bytes or the end of the input, growing the buffer chunk by chunk, so that a
        /// stream that ends early never causes `count` bytes to be allocated.
        func read(upTo count: Int) throws -> [UInt8] {
            var bytes: [UInt8] = []
            let chunk = 1 << 20
            while bytes.count < count {
                let want = min(chunk, count - bytes.count)
                let start = bytes.count
                bytes.append(contentsOf: repeatElement(0, count: want))
                var got = 0
                while got < want {
                    let n = bytes.withUnsafeMutableBytes { Glibc_read(descriptor, $0.baseAddress! + start + got, want - got) }
                    if n < 0 && errno == EINTR { continue }
                    guard n >= 0 else { throw failure(path, "read failed after \(start + got) bytes", errno) }
                    if n == 0 { break }
                    got += n
                }
                if got < want {
                    bytes.removeLast(want - got)
                    break
                }
            }
            return bytes
        }
    }

    /// Writes `bytes` so that the destination holds either its old content or the complete new one, never a
    /// mix: the data goes to `<target>.tmp-<pid>` in the destination's directory, is flushed with `fsync`,
    /// then renamed over it (atomic on POSIX file systems); the directory is synced so the rename survives a
    /// crash.
    ///
    /// The destination is `path` itself, or, when `path` is a symbolic link, the file the link points to
    /// (followed through every link): the target is replaced and the link keeps pointing at it. A directory,
    /// FIFO, device or socket is refused and left untouched.
    ///
    /// Checkpoints use this, so a run killed in the middle of a save keeps its previous checkpoint.
    ///
    /// - Parameters:
    ///   - bytes: the complete new content.
    ///   - path: the destination; its directory must exist and be writable.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming the path; the temporary file is removed.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let target = try regularTarget(of: path)
        let temporary = "\(target).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure(temporary, "cannot create", errno) }
        var closed = false
        defer {
            if !closed { _ = Glibc_close(descriptor); unlink(temporary) }
        }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc_write(descriptor, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure(temporary, "write failed after \(done) of \(bytes.count) bytes", errno) }
            done += n
        }
        guard fsync(descriptor) == 0 else { throw failure(temporary, "fsync failed", errno) }
        closed = true
        guard Glibc_close(descriptor) == 0 else { unlink(temporary); throw failure(temporary, "close failed", errno) }
        guard rename(temporary, target) == 0 else {
            let code = errno
            unlink(temporary)
            throw failure(target == path ? path : "\(path) (a link to \(target))", "cannot rename \(temporary) over it", code)
        }
        syncDirectory(of: target)
    }

    /// Checks, before any work starts, that ``writeAtomically(_:to:)`` can later write `path`: the path (or the
    /// target of a symbolic link) is not a directory, FIFO, device or socket, and its directory exists and
    /// accepts new files. The final file is not created; a uniquely named probe file is created in the
    /// directory and removed at once.
    ///
    /// - Parameter path: the output path a command will write at the end of its work.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming the path and the problem.
    ///
    /// ```swift
    /// try FileIO.checkWritable("runs/model.safetensors")   // before training, not after
    /// ```
    public static func checkWritable(_ path: String) throws {
        let target = try regularTarget(of: path)
        let directory = directoryName(of: target)
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw failure(path, "directory \(directory) is not usable", errno)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw RecurrentError.invalidArgument(what: path, reason: "\(directory) is not a directory")
        }
        let probe = "\(target).probe-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw failure(path, "cannot create files in directory \(directory)", errno)
        }
        _ = Glibc_close(descriptor)
        unlink(probe)
    }

    /// The file a write to `path` replaces: `path`, or the final target of a chain of symbolic links (which
    /// need not exist yet). Refuses directories and non-regular files.
    static func regularTarget(of path: String) throws -> String {
        guard !path.isEmpty else { throw RecurrentError.invalidArgument(what: "output path", reason: "is empty") }
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0 else {
                let code = errno
                if code == ENOENT { return current }
                throw failure(path, "cannot inspect \(current)", code)
            }
            let type = info.st_mode & S_IFMT
            if type == S_IFREG { return current }
            guard type == S_IFLNK else {
                let link = current == path ? "" : " (the target of the link \(path))"
                throw RecurrentError.invalidArgument(
                    what: current, reason: "is a \(kindName(type))\(link), not a regular file; refusing to replace it")
            }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &buffer, buffer.count - 1)
            guard length >= 0 else { throw failure(path, "cannot read the link \(current)", errno) }
            let destination = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = destination.hasPrefix("/") ? destination : joined(directoryName(of: current), destination)
        }
        throw RecurrentError.invalidArgument(what: path, reason: "too many levels of symbolic links")
    }

    static func kindName(_ type: mode_t) -> String {
        switch type {
        case S_IFDIR: return "directory"
        case S_IFIFO: return "FIFO (named pipe)"
        case S_IFCHR: return "character device"
        case S_IFBLK: return "block device"
        case S_IFSOCK: return "socket"
        case S_IFLNK: return "symbolic link"
        default: return "special file"
        }
    }

    /// The directory part of `path`: "." for a bare name, "/" for a file in the root.
    static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func joined(_ directory: String, _ name: String) -> String {
        directory == "." ? name : directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    static func syncDirectory(of path: String) {
        let descriptor = open(directoryName(of: path), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = Glibc_close(descriptor)
    }

    static func failure(_ path: String, _ what: String, _ code: Int32) -> RecurrentError {
        let reason = code != 0 ? String(cString: strerror(code)) : "unexpected end of file"
        return RecurrentError.invalidArgument(what: path, reason: "\(what) (\(reason))")
    }
}

// The C functions, reachable from types that declare their own `read`, `write` or `close`.
@inline(__always)
func Glibc_write(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

@inline(__always)
func Glibc_read(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

@inline(__always)
func Glibc_close(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
