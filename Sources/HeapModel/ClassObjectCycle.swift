import HeapSemantics

extension CPythonSizes {
    /// A class made by a `class` statement (a heap type, `sys.getsizeof` 1688 B in 3.11), its `__mro__`
    /// (56 B) and `__bases__` (48 B) tuples, the `__dict__`/`__weakref__` getset descriptors (64 B each)
    /// and its namespace dict (184 B empty, 272 B with a few methods; more with more members).
    public static let classObject = 1688 + 56 + 48 + 2 * 64 + 184 ... 1688 + 56 + 48 + 2 * 64 + 656
}

extension ClassCreation {
    /// Why a class object is always on a cycle: CPython stores the class as the first item of its own
    /// `__mro__`, and the getset descriptors for `__dict__`/`__weakref__` in its namespace point back to it.
    public func explanation(for version: TargetVersion) -> HeapExplanation {
        let sizes = CPythonSizes.sizes(for: version)
        let line = site.start.line + 1
        let name = "class \(className)"
        var lower = CPythonSizes.classObject.lowerBound + sizes.classObjectDelta
        var upper = CPythonSizes.classObject.upperBound + sizes.classObjectDelta
        var basis = "class object, its __mro__ and __bases__ tuples, namespace dict and getset descriptors, not counting its methods"
        sizes.finish(lower: &lower, upper: &upper, basis: &basis)
        return HeapExplanation(
            path: [ReferenceStep(from: name, via: "__mro__", to: "tuple", site: site.range, line: line),
                   ReferenceStep(from: "tuple", via: "[0]", to: name, site: site.range, line: line)],
            estimate: ByteEstimate(lowerBytes: lower, upperBytes: upper, version: version, basis: basis),
            mechanism: CPythonCollector.cycleMechanism(for: version, detail: "Every class object is on such a cycle (its `__mro__` starts with "
                + "the class; the `__dict__` and `__weakref__` descriptors in its namespace refer back to it), so each call of "
                + "\(function.name)() leaves one more class for the collector, and creating a type is slow and invalidates "
                + "CPython's method caches."),
            remedy: "Define the class once at module level and pass the varying values to its constructor, or cache the "
                + "factory (`functools.lru_cache`, or a dict keyed by its parameters) so each distinct class is made once.")
    }
}
