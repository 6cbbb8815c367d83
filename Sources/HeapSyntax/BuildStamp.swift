import CHeapSyntax

/// What `make dist-binary` stamped into the binary: "<commit> <commit date>", or nil in an unstamped build
/// (`swift build`, tests, a build from the sdist without git). Sources/CHeapSyntax/build_stamp.c holds it.
public enum BuildStamp {
    public static var text: String? {
        let stamp = String(cString: heaplint_build_stamp())
        return stamp.isEmpty ? nil : stamp
    }
}
