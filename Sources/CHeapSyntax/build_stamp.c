// The release build's commit and date (issue 27). The compiler sees only the placeholder
// "HEAPLINT-BUILD-STAMP:" followed by zeros, so every build is reproducible; `make dist-binary`
// (grammars/stamp-build.py) then writes "<commit> <commit date>" over the zeros in the linked binary
// (same length, nothing moves). The array is not const, so no read of it is folded into a constant.
#include "heap_flatten.h"

#define HEAPLINT_STAMP_MARKER "HEAPLINT-BUILD-STAMP:"

// The only copy of the marker in the binary: grammars/stamp-build.py finds it and fills the zeros after it.
__attribute__((used)) char heaplint_build_stamp_bytes[96] = HEAPLINT_STAMP_MARKER;

const char *heaplint_build_stamp(void) {
    return heaplint_build_stamp_bytes + sizeof(HEAPLINT_STAMP_MARKER) - 1;
}
