// The tree-sitter runtime comes from Debian's libtree-sitter-dev (/usr/include/tree_sitter/api.h).
#include <tree_sitter/api.h>
