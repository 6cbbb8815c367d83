// The flattening walk, in C because it visits every node of every file: from Swift, the same loop
// cost a quarter of the parse on top of it (array appends, bounds checks, optionals per node).
#include "heap_flatten.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int32_t *items;
    size_t count;
    size_t capacity;
} IndexStack;

static int stack_push(IndexStack *stack, int32_t value) {
    if (stack->count == stack->capacity) {
        size_t capacity = stack->capacity ? stack->capacity * 2 : 256;
        int32_t *grown = realloc(stack->items, capacity * sizeof *grown);
        if (!grown) return -1;
        stack->items = grown;
        stack->capacity = capacity;
    }
    stack->items[stack->count++] = value;
    return 0;
}

static void free_all(HLFlatTree *out, IndexStack *parents, IndexStack *last_at_depth) {
    free(out->records);
    free(out->errors);
    free(out->kind_index);
    free(out->kind_starts);
    free(parents->items);
    free(last_at_depth->items);
    memset(out, 0, sizeof *out);
}

int hl_flatten(const TSTree *tree, const HLKindTables *tables, HLFlatTree *out) {
    memset(out, 0, sizeof *out);
    IndexStack parents = {0}, last_at_depth = {0};
    TSNode root = ts_tree_root_node(tree);
    // Python runs about one node per 3.5 bytes; start there and double when needed.
    size_t capacity = ts_node_end_byte(root) / 3 + 16;
    size_t error_capacity = 0;
    out->records = malloc(capacity * sizeof *out->records);
    if (!out->records) return -1;
    if (stack_push(&last_at_depth, -1) != 0) { free_all(out, &parents, &last_at_depth); return -1; }

    TSTreeCursor cursor = ts_tree_cursor_new(root);
    size_t depth = 0;
    for (;;) {
        TSNode node = ts_tree_cursor_current_node(&cursor);
        if (out->count == capacity) {
            capacity *= 2;
            HLNodeRecord *grown = realloc(out->records, capacity * sizeof *grown);
            if (!grown) { ts_tree_cursor_delete(&cursor); free_all(out, &parents, &last_at_depth); return -1; }
            out->records = grown;
        }
        int32_t index = (int32_t)out->count++;
        TSSymbol symbol = ts_node_symbol(node);
        HLNodeRecord *record = &out->records[index];
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
        TSFieldId field_id = ts_tree_cursor_current_field_id(&cursor);
        record->start = ts_node_start_byte(node);
        record->end = ts_node_end_byte(node);
        record->parent = parents.count ? parents.items[parents.count - 1] : -1;
        record->subtree_end = index + 1;
        record->next_sibling = -1;
        record->kind = kind;
        record->field = field_id < tables->field_count ? tables->field_of_id[field_id] : tables->no_field;
        record->flags = flags;
        record->reserved = 0;
        // Link the previous node at this depth (under the same parent) to this one.
        int32_t previous = last_at_depth.items[depth];
        if (previous >= 0) out->records[previous].next_sibling = index;
        last_at_depth.items[depth] = index;
        if (is_error || missing) {
            if (out->error_count == error_capacity) {
                error_capacity = error_capacity ? error_capacity * 2 : 16;
                HLSyntaxError *grown = realloc(out->errors, error_capacity * sizeof *grown);
                if (!grown) { ts_tree_cursor_delete(&cursor); free_all(out, &parents, &last_at_depth); return -1; }
                out->errors = grown;
            }
            out->errors[out->error_count++] = (HLSyntaxError){ .index = index, .symbol = symbol };
        }
        if (ts_tree_cursor_goto_first_child(&cursor)) {
            if (stack_push(&parents, index) != 0) { ts_tree_cursor_delete(&cursor); free_all(out, &parents, &last_at_depth); return -1; }
            depth++;
            if (depth == last_at_depth.count) {
                if (stack_push(&last_at_depth, -1) != 0) { ts_tree_cursor_delete(&cursor); free_all(out, &parents, &last_at_depth); return -1; }
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
    out->records[0].subtree_end = (int32_t)out->count;
    free(parents.items);
    free(last_at_depth.items);

    // The kind index: a stable counting sort of node indices by kind.
    size_t kinds = tables->kind_count;
    out->kind_starts = calloc(kinds + 1, sizeof *out->kind_starts);
    out->kind_index = malloc((out->count ? out->count : 1) * sizeof *out->kind_index);
    int32_t *next = malloc((kinds + 1) * sizeof *next);
    if (!out->kind_starts || !out->kind_index || !next) {
        free(next);
        IndexStack none = {0};
        free_all(out, &none, &none);
        return -1;
    }
    for (size_t i = 0; i < out->count; i++) {
        uint8_t kind = out->records[i].kind;
        if (kind < kinds) out->kind_starts[kind + 1]++;
    }
    for (size_t k = 0; k < kinds; k++) out->kind_starts[k + 1] += out->kind_starts[k];
    memcpy(next, out->kind_starts, (kinds + 1) * sizeof *next);
    for (size_t i = 0; i < out->count; i++) {
        uint8_t kind = out->records[i].kind;
        if (kind < kinds) out->kind_index[next[kind]++] = (int32_t)i;
    }
    free(next);
    return 0;
}

void hl_flat_tree_free(HLFlatTree *tree) {
    if (!tree) return;
    free(tree->records);
    free(tree->kind_index);
    free(tree->kind_starts);
    free(tree->errors);
    memset(tree, 0, sizeof *tree);
}
