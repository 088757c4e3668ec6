/// Facts about this library build.
public enum RecurrentLibrary {
    /// Semantic version, recorded in every file the library saves.
    public static let version = "0.1.0"
}
