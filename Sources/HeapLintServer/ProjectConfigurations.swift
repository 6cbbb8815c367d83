import HeapPortable
import HeapLintKit

/// Each directory's project configuration (`pyproject.toml`, `heaplint.toml`), read on first use and
/// kept until a config file changes: an analysis per keystroke must not re-read TOML from disk.
struct ProjectConfigurations {
    private var byDirectory: [String: Configuration] = [:]
    /// Config errors already reported, so a broken pyproject.toml is logged once, not per keystroke.
    private var reportedErrors: Set<String> = []

    /// The project configuration that applies to `path`. A broken config file gives the defaults
    /// (rooted at the file's directory) until it is fixed; `newError` is its message the first time.
    mutating func configuration(forPath path: String, from source: any ProjectConfigurationSource)
        -> (configuration: Configuration, newError: String?) {
        let directory = PathString.deletingLastComponent(path)
        if let cached = byDirectory[directory] { return (cached, nil) }
        let project: Configuration
        var newError: String?
        do {
            project = try source.configuration(forFile: path)
        } catch {
            if reportedErrors.insert("\(error)").inserted { newError = "\(error)" }
            project = Configuration.isolated(root: directory)
        }
        byDirectory[directory] = project
        return (project, newError)
    }

    /// Forgets every configuration and reported error: a config file changed.
    mutating func reload() {
        byDirectory = [:]
        reportedErrors = []
    }
}
