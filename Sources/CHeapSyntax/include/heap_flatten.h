#ifndef HEAPLINT_HEAP_FLATTEN_H
#define HEAPLINT_HEAP_FLATTEN_H
// heaplint's own C: the one hot loop of the syntax layer, flattening a tree-sitter tree into
// pre-order records. Swift reads the records in place (HeapSyntax.SyntaxTree owns and frees them).
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

enum {
    HL_NODE_NAMED = 1,
    HL_NODE_MISSING = 2,
    HL_NODE_EXTRA = 4,
};

/// One node, 24 bytes. Children follow their parent directly; a subtree is `index ..< subtree_end`.
typedef struct {
    uint32_t start;
    uint32_t end;
    int32_t parent;
    int32_t subtree_end;
    int32_t next_sibling;
    uint8_t kind;   // SyntaxKind ordinal
    uint8_t field;  // SyntaxField ordinal of the field this node fills in its parent
    uint8_t flags;  // HL_NODE_*
    uint8_t reserved;
} HLNodeRecord;

/// An ERROR or MISSING node: its record and, for a missing token, the grammar symbol expected.
typedef struct {
    int32_t index;
    uint16_t symbol;
} HLSyntaxError;

/// The flattened tree. Every pointer is malloc'd; `hl_flat_tree_free` releases them.
typedef struct {
    HLNodeRecord *records;
    size_t count;
    /// Node indices grouped by kind, each group in pre-order: group k is
    /// kind_index[kind_starts[k] ..< kind_starts[k + 1]]; kind_starts has kind_count + 1 entries.
    int32_t *kind_index;
    int32_t *kind_starts;
    HLSyntaxError *errors;
    size_t error_count;
    /// Per record, tree-sitter's node id (the subtree's address), kept only when asked for: the
    /// next incremental flattening finds the subtrees tree-sitter reused by these ids.
    const void **ids;
    /// How many records the walk made itself (the rest were copied from the previous tree).
    size_t walked_count;
} HLFlatTree;

/// The tables that map grammar ids to heaplint's ordinals, computed once per process in Swift.
typedef struct {
    const uint8_t *kind_of_symbol;  // indexed by the public symbol
    uint32_t symbol_count;
    uint8_t error_kind;             // for the ERROR symbol (65535)
    uint8_t other_kind;             // for symbols outside the table
    uint32_t kind_count;
    const uint8_t *field_of_id;     // indexed by field id (0 = none)
    uint32_t field_count;
    uint8_t no_field;
} HLKindTables;

/// Flattens `tree` (no recursion: an explicit, growing stack). Returns 0, or -1 when memory runs out
/// (then `out` holds nothing to free). With `keep_ids`, node ids are stored for a later
/// `hl_flatten_incremental`.
int hl_flatten(const TSTree *tree, const HLKindTables *tables, bool keep_ids, HLFlatTree *out);

/// Flattens `tree`, which tree-sitter re-parsed incrementally from the tree `previous` was flattened
/// from (that tree must still be alive, and `previous` must hold ids). Every node whose subtree
/// tree-sitter reused is copied from `previous` with shifted offsets and indices instead of being
/// walked, so a small edit costs a walk of the changed path, not of the file. The result (with ids)
/// equals `hl_flatten(tree, tables, true, out)`.
int hl_flatten_incremental(const TSTree *tree, const HLKindTables *tables, const HLFlatTree *previous, HLFlatTree *out);

void hl_flat_tree_free(HLFlatTree *tree);

/// The release build's commit and date (issue 27), from build_stamp.c: "<commit> <commit date>", or "" in
/// an unstamped build. (Declared here, not in a header of its own: a new header in this umbrella
/// directory is not seen by an existing build's cached module.)
const char *heaplint_build_stamp(void);

#endif
