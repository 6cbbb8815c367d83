import HeapSemantics
import HeapSyntax

/// An exception, traceback or frame kept in a local variable of the very frame it refers to:
/// exception → `__traceback__` → traceback → `tb_frame` → frame → `f_locals` → the same exception.
public struct FrameRetention: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// `err = e` inside `except ... as e:`.
        case exception
        /// `errors.append(e)` into a local container.
        case exceptionInContainer
        /// `info = sys.exc_info()`, `_, value, tb = sys.exc_info()`.
        case excInfo
        /// `tb = e.__traceback__`.
        case traceback
        /// `frame = inspect.currentframe()`, `sys._getframe()`, `inspect.stack()`.
        case frame
    }

    public let kind: Kind
    /// The statement that stores it.
    public let site: SourceRange
    public let line: Int
    /// The local that holds it.
    public let localName: String
    /// The function whose frame is kept.
    public let functionName: String

    public func explanation(for version: TargetVersion) -> HeapExplanation {
        let sizes = CPythonSizes.sizes(for: version)
        let line = self.line + 1
        let holder = "frame of \(functionName)()"
        var path: [ReferenceStep]
        switch kind {
        case .frame:
            path = [ReferenceStep(from: holder, via: "f_locals[\(localName)]", to: "frame", site: site, line: line)]
            if localName.isEmpty == false, kind == .frame {
                path[0] = ReferenceStep(from: holder, via: "f_locals[\(localName)]", to: holder, site: site, line: line)
            }
        case .traceback:
            path = [ReferenceStep(from: holder, via: "f_locals[\(localName)]", to: "traceback", site: site, line: line),
                    ReferenceStep(from: "traceback", via: "tb_frame", to: holder)]
        case .exceptionInContainer:
            path = [ReferenceStep(from: holder, via: "f_locals[\(localName)]", to: "container", site: site, line: line),
                    ReferenceStep(from: "container", via: "", to: "exception"),
                    ReferenceStep(from: "exception", via: "__traceback__", to: "traceback"),
                    ReferenceStep(from: "traceback", via: "tb_frame", to: holder)]
        case .exception, .excInfo:
            let held = kind == .excInfo ? "exc_info tuple" : "exception"
            path = [ReferenceStep(from: holder, via: "f_locals[\(localName)]", to: held, site: site, line: line)]
            if kind == .excInfo { path.append(ReferenceStep(from: held, via: "", to: "traceback")) }
            else {
                path.append(ReferenceStep(from: "exception", via: "__traceback__", to: "traceback"))
            }
            path.append(ReferenceStep(from: "traceback", via: "tb_frame", to: holder))
        }
        var lower = sizes.frame + sizes.traceback
        var upper = sizes.frame + 512 + sizes.traceback * 4
        if kind != .frame { lower += sizes.exception; upper += sizes.exception + 300 }
        var basis = "frame, traceback\(kind == .frame ? "" : ", exception"), not counting the frame's other locals"
        sizes.finish(lower: &lower, upper: &upper, basis: &basis)
        return HeapExplanation(
            path: path,
            estimate: ByteEstimate(lowerBytes: lower, upperBytes: upper, version: version, basis: basis),
            mechanism: CPythonCollector.cycleMechanism(for: version, detail: "Until then every local of the frame stays alive too."),
            remedy: kind == .frame
                ? "Delete the frame reference when done (`del \(localName)` in a finally block), or take only what you need from it (f_back.f_code.co_name)."
                : "Release it when done: `\(localName) = None` or `del \(localName)` in a finally block; or keep only str(exc) / the exception type.")
    }
}

