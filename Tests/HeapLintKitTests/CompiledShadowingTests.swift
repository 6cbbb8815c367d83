import Testing
import HeapLintKit

/// Which names beside `foo.py` are extension modules CPython would import instead (the suffixes of
/// `importlib.machinery.EXTENSION_SUFFIXES` on Linux, macOS and Windows, and PyPy's); the Python test holds the
/// Linux ones to `importlib.util.find_spec`.
@Suite struct CompiledShadowingTests {
    func shadow(_ path: String, _ names: [String]) -> String? {
        CompiledShadowing.shadowingExtension(of: path, directoryListing: { _ in names })
    }

    @Test func extensionSuffixesShadow() {
        for name in ["foo.cpython-311-x86_64-linux-gnu.so", "foo.cpython-312-darwin.so", "foo.abi3.so", "foo.so",
                     "foo.cp311-win_amd64.pyd", "foo.pyd", "foo.pypy39-pp73-x86_64-linux-gnu.so"] {
            #expect(shadow("pkg/foo.py", ["foo.py", name]) == name, "\(name)")
        }
    }

    @Test func otherNamesDoNotShadow() {
        for name in ["foo_mypyc.cpython-311-x86_64-linux-gnu.so", "foobar.so", "foo.so.1", "foo.data.so", "foo.pyi",
                     "foo.txt", "bar.cpython-311-x86_64-linux-gnu.so"] {
            #expect(shadow("pkg/foo.py", ["foo.py", name]) == nil, "\(name)")
        }
        // Only `.py` files run from source; a stub or a notebook is never shadowed.
        #expect(shadow("pkg/foo.pyi", ["foo.so"]) == nil)
        #expect(shadow("pkg/foo.ipynb", ["foo.so"]) == nil)
    }

    /// With several, the most specific suffix wins, as EXTENSION_SUFFIXES orders them.
    @Test func mostSpecificSuffixIsNamed() {
        let names = ["foo.so", "foo.abi3.so", "foo.cpython-311-x86_64-linux-gnu.so"]
        #expect(shadow("foo.py", names) == "foo.cpython-311-x86_64-linux-gnu.so")
        #expect(shadow("foo.py", ["foo.so", "foo.abi3.so"]) == "foo.abi3.so")
    }
}
