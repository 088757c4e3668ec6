#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File reading and atomic writing shared by every format the library saves.
public enum FileIO {
    /// Reads a whole file, refusing files larger than `limit` bytes.
    ///
    /// The size is taken from `fstat` before reading, so a hostile or mistaken path (a huge file, a device)
    /// fails at once instead of exhausting memory; interrupted reads are retried.
    ///
    /// - Parameters:
    ///   - path: the file to read.
    ///   - limit: the largest accepted size in bytes (default 16 GiB).
    /// - Returns: the file's bytes.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming the path and the system's reason.
    ///
    /// ```swift
    /// let bytes = try FileIO.readAll("model.safetensors", limit: 1 << 30)
    /// ```
    public static func readAll(_ path: String, limit: Int = 1 << 34) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw failure(path, "cannot open for reading", errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure(path, "cannot stat", errno) }
        let size = Int(info.st_size)
        guard size <= limit else {
            throw RecurrentError.invalidArgument(what: path, reason: "file is \(size) bytes, more than the limit of \(limit)")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure(path, "read failed after \(done) of \(size) bytes", n < 0 ? errno : 0) }
            done += n
        }
        return bytes
    }

    /// Writes `bytes` so that `path` holds either its old content or the complete new one, never a mix:
    /// the data goes to `<path>.tmp-<pid>`, is flushed with `fsync`, then renamed over `path`
    /// (atomic on POSIX file systems); the directory is synced so the rename survives a crash.
    ///
    /// Checkpoints use this, so a run killed in the middle of a save keeps its previous checkpoint.
    ///
    /// - Parameters:
    ///   - bytes: the complete new content.
    ///   - path: the destination; its directory must exist and be writable.
    /// - Throws: ``RecurrentError/invalidArgument(what:reason:)`` naming the path; the temporary file is removed.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw failure(temporary, "cannot create", errno) }
        var closed = false
        defer {
            if !closed { close(descriptor); unlink(temporary) }
        }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure(temporary, "write failed after \(done) of \(bytes.count) bytes", errno) }
            done += n
        }
        guard fsync(descriptor) == 0 else { throw failure(temporary, "fsync failed", errno) }
        closed = true
        guard close(descriptor) == 0 else { unlink(temporary); throw failure(temporary, "close failed", errno) }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw failure(path, "cannot rename \(temporary) over it", code)
        }
        syncDirectory(of: path)
    }

    static func syncDirectory(of path: String) {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    static func failure(_ path: String, _ what: String, _ code: Int32) -> RecurrentError {
        let reason = code != 0 ? String(cString: strerror(code)) : "unexpected end of file"
        return RecurrentError.invalidArgument(what: path, reason: "\(what) (\(reason))")
    }
}
