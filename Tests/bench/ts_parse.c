/* The parse floor for `make bench`: tree-sitter alone (the same tree-sitter runtime and the same
 * tree-sitter-python grammar heaplint uses) parses every file named in argv[1] (one path a line) on
 * N threads (argv[2], default 2), reading each file and freeing each tree, nothing else: no
 * flattening, no analysis, no output. Prints files, bytes and trees with errors. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_python(void);

static char **paths;
static size_t count, next_index, total_bytes, with_errors;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *work(void *unused) {
    (void)unused;
    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, tree_sitter_python());
    for (;;) {
        pthread_mutex_lock(&lock);
        size_t i = next_index++;
        pthread_mutex_unlock(&lock);
        if (i >= count) break;
        FILE *f = fopen(paths[i], "rb");
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buffer = malloc(size > 0 ? (size_t)size : 1);
        size_t got = fread(buffer, 1, (size_t)size, f);
        fclose(f);
        TSTree *tree = ts_parser_parse_string(parser, NULL, buffer, (uint32_t)got);
        int errors = ts_node_has_error(ts_tree_root_node(tree));
        ts_tree_delete(tree);
        free(buffer);
        pthread_mutex_lock(&lock);
        total_bytes += got;
        with_errors += errors;
        pthread_mutex_unlock(&lock);
    }
    ts_parser_delete(parser);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: ts_parse FILE_LIST [THREADS]\n"); return 2; }
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    FILE *list = fopen(argv[1], "r");
    if (!list) { perror(argv[1]); return 2; }
    size_t capacity = 1024;
    paths = malloc(capacity * sizeof *paths);
    char line[8192];
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\n")] = 0;
        if (!*line) continue;
        if (count == capacity) paths = realloc(paths, (capacity *= 2) * sizeof *paths);
        paths[count++] = strdup(line);
    }
    fclose(list);
    pthread_t ids[64];
    if (threads < 1) threads = 1;
    if (threads > 64) threads = 64;
    for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, work, NULL);
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    printf("%zu files, %zu bytes, %zu with errors\n", count, total_bytes, with_errors);
    return 0;
}
