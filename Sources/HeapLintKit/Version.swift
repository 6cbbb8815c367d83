/// The heaplint version: the one place it is written.
///
/// `heaplint --version`, the language server's `serverInfo`, the cache key and the Python wheel all take it
/// from here; the in-tree build backend (`Sources/PythonPackaging/heaplint_build`) reads this file and
/// accepts only the exact line below, so keep the form `public static let current = "X.Y.Z"`.
public enum HeapLintVersion {
    public static let current = "0.1.0"
}
