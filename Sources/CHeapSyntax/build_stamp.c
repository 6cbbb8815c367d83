#include "heap_build_stamp.h"

#define HEAPLINT_STAMP_MARKER "HEAPLINT-BUILD-STAMP:"

// The only copy of the marker in the binary: grammars/stamp-build.py finds it and fills the zeros after it.
__attribute__((used)) char heaplint_build_stamp_bytes[96] = HEAPLINT_STAMP_MARKER;

const char *heaplint_build_stamp(void) {
    return heaplint_build_stamp_bytes + sizeof(HEAPLINT_STAMP_MARKER) - 1;
}
