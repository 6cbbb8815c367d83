#ifndef HEAPLINT_HEAP_BUILD_STAMP_H
#define HEAPLINT_HEAP_BUILD_STAMP_H
// The release build's commit and date (issue 27). The compiler sees only the placeholder
// "HEAPLINT-BUILD-STAMP:" followed by zeros, so every build is reproducible; `make dist-binary`
// (grammars/stamp-build.py) then writes "<commit> <commit date>" over the zeros in the linked binary
// (same length, nothing moves). The array is not const, so no read of it is folded into a constant.

/// What was written after the marker: "<commit> <commit date>", or "" in an unstamped build.
const char *heaplint_build_stamp(void);
#endif
