#ifndef HEAPLINT_HEAP_PARSE_BUDGET_H
#define HEAPLINT_HEAP_PARSE_BUDGET_H
// A parse budget counted in tree-sitter's own parse actions, not in time (issue 26). tree-sitter 0.23.2
// has no progress callback (0.25 added one); its only hooks are a wall-clock timeout and a cancellation
// flag it polls every 100 parse actions. This counts the actions through the parser's logger and raises
// the flag when the budget is spent, so the cut-off is the same on every machine. The logger formats a
// message per action and per character, several times slower than a plain parse: heaplint uses it only
// when asked (HEAPLINT_PARSE_BUDGET_OPS, for tests); the default budget is the wall-clock timeout.
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

typedef struct {
    uint64_t remaining;   // parse actions left
    size_t cancelled;     // the flag tree-sitter polls; non-zero once `remaining` reached 0
} HLParseBudget;

/// Points `parser`'s logger and cancellation flag at `budget`, which must outlive the parse.
void hl_parser_set_operation_budget(TSParser *parser, HLParseBudget *budget);

/// Removes the logger and the flag again.
void hl_parser_clear_operation_budget(TSParser *parser);

#endif
