/// heaplint's version, written once: here.
///
/// `heaplint --version`, SARIF's `tool.driver.version`, the cache key, the language server's `serverInfo`
/// and the Python wheel all use it (HeapDiagnostics is the lowest module every front end sees). The in-tree
/// build backend (Sources/PythonPackaging/heaplint_build) reads the one line below: keep its form.
public enum HeapDiagnosticsInfo {
    public static let version = "0.1.0"
}
