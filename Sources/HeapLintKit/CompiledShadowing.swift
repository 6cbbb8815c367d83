#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapDiagnostics
import HeapPortable
import HeapModel
import HeapRules
import HeapSemantics

/// A `foo.py` beside a compiled extension module of the same name (a mypyc-built wheel ships both, a
/// Cython package keeps its `.py` as the fallback): CPython's `FileFinder` tries its loaders in the order
/// `importlib.machinery._get_supported_file_loaders` gives, extension modules first, then source, then
/// bytecode, so `import foo` loads the `.so`/`.pyd` and the `.py` never runs as Python. The extension is
/// usually compiled from this very source (mypyc, Cython's pure-Python mode), so the objects it builds
/// form the same cycles; what it does not make is a Python frame per call. Only the cycles whose path runs
/// through a frame (`tb_frame`, `gi_frame`, `f_locals`) are therefore graded `not run` and left out of the
/// default output, with the reason; the others are reported as in any file.
///
/// Decided from the directory listing, not the file's content, so it is applied after the cache (a wheel
/// rebuilt without the extension changes no `.py` byte).
public enum CompiledShadowing {
    /// The name of the extension module beside the Python file at `path` that CPython imports instead of
    /// it, or nil: `path` ends in `.py` (an `__init__.py` too: the package's `__init__.cpython-….so` wins the
    /// same way) and its directory holds `stem.<tag>.so`/`stem.so`/`stem.<tag>.pyd`/`stem.pyd`, where the tag
    /// is one of CPython's extension-suffix tags (`cpython-311-x86_64-linux-gnu`, `abi3`, `cp311-win_amd64`,
    /// PyPy's `pypy39-pp73-…`). A wheel is built for the interpreter that installed it, so any version tag
    /// counts. With several, the one `importlib.machinery.EXTENSION_SUFFIXES` lists first (most specific).
    public static func shadowingExtension(of path: String, directoryListing: (String) -> [String]?) -> String? {
        let file = PathString.lastComponent(path)
        guard file.hasSuffix(".py") else { return nil }
        let stem = String(file.dropLast(3))
        guard !stem.isEmpty, let names = directoryListing(PathString.deletingLastComponent(path)) else { return nil }
        let candidates = names.compactMap { name -> (rank: Int, name: String)? in
            rank(of: name, stem: stem).map { ($0, name) }
        }
        return candidates.min { ($0.rank, $0.name) < ($1.rank, $1.name) }?.name
    }

    /// The rank of `name` as an extension module for `stem` (lower wins), nil when it is not one.
    static func rank(of name: String, stem: String) -> Int? {
        guard name.hasPrefix(stem + ".") else { return nil }
        let rest = name.dropFirst(stem.count + 1)
        let suffix: Substring
        if rest.hasSuffix(".so") || rest == "so" {
            suffix = rest == "so" ? "" : rest.dropLast(3)
        } else if rest.hasSuffix(".pyd") || rest == "pyd" {
            suffix = rest == "pyd" ? "" : rest.dropLast(4)
        } else {
            return nil
        }
        if suffix.isEmpty { return 2 }
        if suffix.contains(".") { return nil }
        if suffix == "abi3" { return 1 }
        if suffix.hasPrefix("cpython-") || suffix.hasPrefix("cp3") || suffix.hasPrefix("pypy") { return 0 }
        return nil
    }

    /// The lifetime a cycle finding in a file shadowed by `extensionName` gets.
    public static func lifetime(extensionName: String) -> CycleLifetime {
        CycleLifetime(.shadowedByCompiled, "shadowed by compiled module \(extensionName): CPython imports the extension module beside this file (its loader comes before the source loader), so this code does not run as Python: compiled functions keep no Python frame holding their locals, and this cycle runs through one")
    }

    /// The file system's listing of `directory` (nil when it cannot be read).
    public static func listing(_ directory: String) -> [String]? {
        try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)
    }
}

extension FileResult {
    /// This result with every cycle finding through a Python frame graded `not run` when a compiled extension
    /// module shadows the file, and the extension's name (nil when none does or no finding is graded).
    func gradingShadowed(directoryListing: (String) -> [String]? = CompiledShadowing.listing) -> (FileResult, String?) {
        func throughFrame(_ diagnostic: Diagnostic) -> Bool {
            LifetimeGrading.grades(code: diagnostic.code) && diagnostic.explanation?.runsThroughFrame == true
        }
        guard diagnostics.contains(where: throughFrame),
              let ext = CompiledShadowing.shadowingExtension(of: path, directoryListing: directoryListing) else {
            return (self, nil)
        }
        let lifetime = CompiledShadowing.lifetime(extensionName: ext)
        var copy = self
        copy.diagnostics = diagnostics.map { diagnostic in
            guard throughFrame(diagnostic), var explanation = diagnostic.explanation else { return diagnostic }
            explanation.lifetime = lifetime
            let f = diagnostic.finding
            return diagnostic.replacingFinding(Finding(code: f.code, range: f.range, message: f.message, severity: f.severity,
                                                       explanation: explanation, fix: f.fix))
        }
        return (copy, ext)
    }
}
