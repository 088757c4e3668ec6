#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

import Recurrent

/// Minimal file access through the C library (no Foundation).
enum FileSystem {
    /// Largest file `readFile` accepts: 2 GiB.
    static let maximumFileSize = 1 << 31

    private static func status(_ path: String) -> stat? {
        var info = stat()
        return stat(path, &info) == 0 ? info : nil
    }

    /// True if `path` names an existing regular file (following symbolic links).
    static func isFile(_ path: String) -> Bool {
        guard let info = status(path) else { return false }
        return (info.st_mode & S_IFMT) == S_IFREG
    }

    /// True if `path` names an existing directory (following symbolic links).
    static func isDirectory(_ path: String) -> Bool {
        guard let info = status(path) else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The value of an environment variable, nil when unset or empty.
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let string = String(cString: value)
        return string.isEmpty ? nil : string
    }

    /// The current working directory.
    static func currentDirectory() -> String? {
        guard let path = getcwd(nil, 0) else { return nil }
        defer { free(path) }
        return String(cString: path)
    }

    /// `path` with symbolic links, `.` and `..` resolved, or `path` itself if that fails.
    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Joins a directory and a file name with one slash.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Reads a whole regular file with ``FileIO/readAll(_:limit:)``.
    ///
    /// - Throws: ``DatasetError/unreadable(path:reason:)`` when the file cannot be opened or read,
    ///   is not a regular file, or is larger than ``maximumFileSize``.
    static func readFile(_ path: String) throws -> [UInt8] {
        guard let info = status(path) else {
            throw DatasetError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw DatasetError.unreadable(path: path, reason: "not a regular file")
        }
        do {
            return try FileIO.readAll(path, limit: maximumFileSize)
        } catch let RecurrentError.invalidArgument(_, reason) {
            throw DatasetError.unreadable(path: path, reason: reason)
        }
    }
}
