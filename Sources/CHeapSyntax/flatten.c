// The flattening walk, in C because it visits every node of every file: from Swift, the same loop
// cost a quarter of the parse on top of it (array appends, bounds checks, optionals per node).
#include "heap_flatten.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// ---- growable buffers -------------------------------------------------------------------------

typedef struct {
    int32_t *items;
    size_t count;
    size_t capacity;
} IndexStack;

static bool stack_push(IndexStack *stack, int32_t value) {
    if (stack->count == stack->capacity) {
        size_t capacity = stack->capacity ? stack->capacity * 2 : 256;
        int32_t *grown = realloc(stack->items, capacity * sizeof *grown);
        if (!grown) return false;
        stack->items = grown;
        stack->capacity = capacity;
    }
    stack->items[stack->count++] = value;
    return true;
}

/// The tree being written: records (and ids) grow together.
typedef struct {
    HLFlatTree *out;
    size_t capacity;
    size_t error_capacity;
    bool keep_ids;
} Writer;

static bool reserve(Writer *w, size_t more) {
    HLFlatTree *out = w->out;
    if (out->count + more <= w->capacity) return true;
    size_t capacity = w->capacity * 2;
    while (capacity < out->count + more) capacity *= 2;
    HLNodeRecord *records = realloc(out->records, capacity * sizeof *records);
    if (!records) return false;
    out->records = records;
    if (w->keep_ids) {
        const void **ids = realloc(out->ids, capacity * sizeof *ids);
        if (!ids) return false;
        out->ids = ids;
    }
    w->capacity = capacity;
    return true;
}

static bool add_error(Writer *w, int32_t index, uint16_t symbol) {
    HLFlatTree *out = w->out;
    if (out->error_count == w->error_capacity) {
        size_t capacity = w->error_capacity ? w->error_capacity * 2 : 16;
        HLSyntaxError *grown = realloc(out->errors, capacity * sizeof *grown);
        if (!grown) return false;
        out->errors = grown;
        w->error_capacity = capacity;
    }
    out->errors[out->error_count++] = (HLSyntaxError){ .index = index, .symbol = symbol };
    return true;
}

// ---- the previous tree's ids, for incremental flattening ----------------------------------------

/// Open addressing from node id to record index; only nodes with children are entered (only they
/// are worth copying, and leaves may be inline subtrees whose ids are addresses in their parent).
typedef struct {
    const void **keys;
    int32_t *values;
    size_t mask;
} IdTable;

static size_t id_hash(const void *id) {
    uint64_t x = (uint64_t)(uintptr_t)id;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static bool id_table_build(IdTable *table, const HLFlatTree *tree) {
    size_t slots = 16;
    while (slots < tree->count * 2) slots *= 2;
    table->keys = calloc(slots, sizeof *table->keys);
    table->values = malloc(slots * sizeof *table->values);
    table->mask = slots - 1;
    if (!table->keys || !table->values) return false;
    for (size_t i = 0; i < tree->count; i++) {
        const void *id = tree->ids[i];
        if (!id || tree->records[i].subtree_end <= (int32_t)i + 1) continue;
        size_t slot = id_hash(id) & table->mask;
        while (table->keys[slot] && table->keys[slot] != id) slot = (slot + 1) & table->mask;
        table->keys[slot] = id;
        table->values[slot] = (int32_t)i;
    }
    return true;
}

static int32_t id_table_find(const IdTable *table, const void *id) {
    size_t slot = id_hash(id) & table->mask;
    while (table->keys[slot]) {
        if (table->keys[slot] == id) return table->values[slot];
        slot = (slot + 1) & table->mask;
    }
    return -1;
}

static void id_table_free(IdTable *table) {
    free(table->keys);
    free(table->values);
}

// ---- the walk -----------------------------------------------------------------------------------

/// What identifies a subtree across re-parses. `TSNode.id` is the address of the node's slot in its
/// parent's child array (tree-sitter 0.20-0.23), which moves whenever the parent is rebuilt; the
/// word in that slot is the subtree's own heap object, which tree-sitter shares, unchanged, between
/// the old tree and every re-parse that reuses it. Only nodes with children are looked up, and those
/// are never inline (inline subtrees are leaves), so the word is always that pointer. The
/// incremental tests compare every result against a fresh flattening, so a runtime that changed
/// this layout would fail them rather than go unnoticed.
static const void *subtree_key(TSNode node) {
    return *(const void *const *)node.id;
}

/// Copies the descendants of `previous`'s record `old` after the new record `index` (which is the
/// same reused subtree), shifting byte offsets and indices; returns false when memory runs out.
static bool copy_descendants(Writer *w, const HLFlatTree *previous, int32_t old, int32_t index) {
    HLFlatTree *out = w->out;
    int32_t old_end = previous->records[old].subtree_end;
    size_t n = (size_t)(old_end - old - 1);
    if (!reserve(w, n)) return false;
    int32_t shift = index - old;
    uint32_t old_start = previous->records[old].start, new_start = out->records[index].start;
    HLNodeRecord *target = out->records + index + 1;
    const HLNodeRecord *source = previous->records + old + 1;
    for (size_t i = 0; i < n; i++) {
        HLNodeRecord r = source[i];
        r.start = r.start - old_start + new_start;
        r.end = r.end - old_start + new_start;
        r.parent += shift;
        r.subtree_end += shift;
        if (r.next_sibling >= 0) r.next_sibling += shift;
        target[i] = r;
    }
    if (w->keep_ids) memcpy(out->ids + index + 1, previous->ids + old + 1, n * sizeof *out->ids);
    out->count += n;
    out->records[index].subtree_end = index + 1 + (int32_t)n;
    // The subtree's syntax errors (the list is in index order: binary search for the first).
    size_t low = 0, high = previous->error_count;
    while (low < high) {
        size_t mid = (low + high) / 2;
        if (previous->errors[mid].index <= old) low = mid + 1; else high = mid;
    }
    for (size_t e = low; e < previous->error_count && previous->errors[e].index < old_end; e++) {
        if (!add_error(w, previous->errors[e].index + shift, previous->errors[e].symbol)) return false;
    }
    return true;
}

/* Visible nodes whose children never carry a field in tree-sitter-python 0.23.6: the collections and
 * argument lists (their rules, and the hidden repeat rules inside them, name no field; checked over
 * the whole standard library, and by KindIndexTests/FieldTests). `ts_tree_cursor_current_field_id`
 * walks up through every hidden node to the visible parent, and a long literal's elements sit under
 * a balanced tree of hidden repeat nodes about log2(n) deep: asking it for each of n elements made
 * flattening a 3 MB list literal cost as much as parsing it. Their children get no field, unasked. */
static const char *const fieldless_parent_names[] = {
    "list", "tuple", "set", "dictionary", "argument_list", "expression_list",
};
#define FIELDLESS_COUNT (sizeof fieldless_parent_names / sizeof *fieldless_parent_names)

static bool is_fieldless(const TSSymbol *fieldless, TSSymbol symbol) {
    for (size_t i = 0; i < FIELDLESS_COUNT; i++) {
        if (fieldless[i] == symbol) return true;
    }
    return false;
}

static int walk(const TSTree *tree, const HLKindTables *tables, bool keep_ids, const HLFlatTree *previous,
                const IdTable *reusable, HLFlatTree *out) {
    memset(out, 0, sizeof *out);
    TSNode root = ts_tree_root_node(tree);
    // Python runs about one node per 3.5 bytes; start there and double when needed.
    Writer w = { .out = out, .capacity = ts_node_end_byte(root) / 3 + 16, .keep_ids = keep_ids };
    IndexStack parents = {0}, last_at_depth = {0};
    out->records = malloc(w.capacity * sizeof *out->records);
    if (keep_ids) out->ids = malloc(w.capacity * sizeof *out->ids);
    bool ok = out->records && (!keep_ids || out->ids) && stack_push(&last_at_depth, -1);

    TSTreeCursor cursor = ts_tree_cursor_new(root);
    const TSLanguage *language = ts_tree_language(tree);
    TSSymbol fieldless[FIELDLESS_COUNT];
    for (size_t i = 0; i < FIELDLESS_COUNT; i++) {
        const char *name = fieldless_parent_names[i];
        TSSymbol found = ts_language_symbol_for_name(language, name, (uint32_t)strlen(name), true);
        fieldless[i] = found ? found : (TSSymbol)-2;  /* not in this grammar: matches nothing */
    }
    /* Per depth: whether the visible parent there is fieldless (index 0: the root has no parent). */
    IndexStack parent_fieldless = {0};
    ok = ok && stack_push(&parent_fieldless, 0);
    size_t depth = 0;
    while (ok) {
        TSNode node = ts_tree_cursor_current_node(&cursor);
        if (!(ok = reserve(&w, 1))) break;
        int32_t index = (int32_t)out->count++;
        out->walked_count++;
        TSSymbol symbol = ts_node_symbol(node);
        uint8_t flags = 0;
        if (ts_node_is_named(node)) flags |= HL_NODE_NAMED;
        bool missing = ts_node_is_missing(node);
        if (missing) flags |= HL_NODE_MISSING;
        if (ts_node_is_extra(node)) flags |= HL_NODE_EXTRA;
        uint8_t kind;
        bool is_error = symbol == (TSSymbol)-1;
        if (is_error) {
            kind = tables->error_kind;
            flags |= HL_NODE_NAMED;
        } else {
            kind = symbol < tables->symbol_count ? tables->kind_of_symbol[symbol] : tables->other_kind;
        }
        TSFieldId field_id = parent_fieldless.items[depth] ? 0 : ts_tree_cursor_current_field_id(&cursor);
        HLNodeRecord *record = &out->records[index];
        record->start = ts_node_start_byte(node);
        record->end = ts_node_end_byte(node);
        record->parent = parents.count ? parents.items[parents.count - 1] : -1;
        record->subtree_end = index + 1;
        record->next_sibling = -1;
        record->kind = kind;
        record->field = field_id < tables->field_count ? tables->field_of_id[field_id] : tables->no_field;
        record->flags = flags;
        record->reserved = 0;
        // Only ids (kept for the language server's incremental flattening) need to know this.
        bool has_children = keep_ids && ts_node_child_count(node) > 0;
        if (keep_ids) out->ids[index] = has_children ? subtree_key(node) : NULL;
        // Link the previous node at this depth (under the same parent) to this one.
        int32_t previous_sibling = last_at_depth.items[depth];
        if (previous_sibling >= 0) out->records[previous_sibling].next_sibling = index;
        last_at_depth.items[depth] = index;
        if ((is_error || missing) && !(ok = add_error(&w, index, symbol))) break;

        // A subtree tree-sitter reused from the previous tree: copy its records instead of walking it.
        int32_t old = reusable && has_children ? id_table_find(reusable, out->ids[index]) : -1;
        if (old >= 0) {
            const HLNodeRecord *was = &previous->records[old];
            if (was->kind == kind && was->end - was->start == record->end - record->start) {
                if (!(ok = copy_descendants(&w, previous, old, index))) break;
                old = -2;  // copied: do not descend
            }
        }
        if (old != -2 && ts_tree_cursor_goto_first_child(&cursor)) {
            if (!(ok = stack_push(&parents, index))) break;
            depth++;
            /* An ERROR node's children get no field either. ERROR and the hidden error_repeat nodes
             * under it have no field map, and error recovery nests error_repeat one level per skipped
             * token: asking for each of N children's fields walked that chain, N²/2 steps (70k
             * tokens: 18 s). A field there could only come from a rule reduced before the error,
             * which nothing reads through an ERROR parent (KindIndexTests checks the shapes). */
            int32_t child_fieldless = is_error || is_fieldless(fieldless, symbol);
            if (depth == parent_fieldless.count) {
                if (!(ok = stack_push(&parent_fieldless, child_fieldless))) break;
            } else {
                parent_fieldless.items[depth] = child_fieldless;
            }
            if (depth == last_at_depth.count) {
                if (!(ok = stack_push(&last_at_depth, -1))) break;
            } else {
                last_at_depth.items[depth] = -1;
            }
            continue;
        }
        bool done = false;
        while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
            if (!ts_tree_cursor_goto_parent(&cursor)) { done = true; break; }
            // Back at the parent: its subtree ends where the next node will go.
            out->records[parents.items[--parents.count]].subtree_end = (int32_t)out->count;
            depth--;
        }
        if (done) break;
    }
    ts_tree_cursor_delete(&cursor);
    free(parents.items);
    free(last_at_depth.items);
    free(parent_fieldless.items);
    if (ok) out->records[0].subtree_end = (int32_t)out->count;

    // The kind index: a stable counting sort of node indices by kind.
    size_t kinds = tables->kind_count;
    int32_t *next = NULL;
    if (ok) {
        out->kind_starts = calloc(kinds + 1, sizeof *out->kind_starts);
        out->kind_index = malloc((out->count ? out->count : 1) * sizeof *out->kind_index);
        next = malloc((kinds + 1) * sizeof *next);
        ok = out->kind_starts && out->kind_index && next;
    }
    if (ok) {
        for (size_t i = 0; i < out->count; i++) {
            uint8_t k = out->records[i].kind;
            if (k < kinds) out->kind_starts[k + 1]++;
        }
        for (size_t k = 0; k < kinds; k++) out->kind_starts[k + 1] += out->kind_starts[k];
        memcpy(next, out->kind_starts, (kinds + 1) * sizeof *next);
        for (size_t i = 0; i < out->count; i++) {
            uint8_t k = out->records[i].kind;
            if (k < kinds) out->kind_index[next[k]++] = (int32_t)i;
        }
    }
    free(next);
    if (!ok) {
        hl_flat_tree_free(out);
        return -1;
    }
    return 0;
}

int hl_flatten(const TSTree *tree, const HLKindTables *tables, bool keep_ids, HLFlatTree *out) {
    return walk(tree, tables, keep_ids, NULL, NULL, out);
}

int hl_flatten_incremental(const TSTree *tree, const HLKindTables *tables, const HLFlatTree *previous, HLFlatTree *out) {
    if (!previous || !previous->ids) return walk(tree, tables, true, NULL, NULL, out);
    IdTable table = {0};
    if (!id_table_build(&table, previous)) {
        id_table_free(&table);
        memset(out, 0, sizeof *out);
        return -1;
    }
    int status = walk(tree, tables, true, previous, &table, out);
    id_table_free(&table);
    return status;
}

void hl_flat_tree_free(HLFlatTree *tree) {
    if (!tree) return;
    free(tree->records);
    free(tree->kind_index);
    free(tree->kind_starts);
    free(tree->errors);
    free(tree->ids);
    memset(tree, 0, sizeof *tree);
}
