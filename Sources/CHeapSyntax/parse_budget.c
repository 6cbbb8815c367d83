#include "heap_parse_budget.h"

static void hl_budget_log(void *payload, TSLogType type, const char *message) {
    (void)message;
    HLParseBudget *budget = payload;
    // Lexer messages are per character; only parse actions measure the parser's (recovery) work.
    if (type != TSLogTypeParse) return;
    if (budget->remaining > 0) budget->remaining--;
    if (budget->remaining == 0) budget->cancelled = 1;
}

void hl_parser_set_operation_budget(TSParser *parser, HLParseBudget *budget) {
    budget->cancelled = budget->remaining == 0;
    ts_parser_set_logger(parser, (TSLogger){.payload = budget, .log = hl_budget_log});
    ts_parser_set_cancellation_flag(parser, &budget->cancelled);
}

void hl_parser_clear_operation_budget(TSParser *parser) {
    ts_parser_set_logger(parser, (TSLogger){.payload = NULL, .log = NULL});
    ts_parser_set_cancellation_flag(parser, NULL);
}
