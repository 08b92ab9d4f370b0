/* Private to the configuration reader (conf.c, conf_read.c, conf_value.c). */
#ifndef EARSHOT_CONF_INT_H
#define EARSHOT_CONF_INT_H

#include <stddef.h>

#include "conf.h"

/* Reads one file (and, recursively, its includes) into c, logging each
 * error as "FILE:LINE: message" and adding their number to *errors.
 * Returns -1 only when the file cannot be read. */
int conf_read_file(struct conf *c, const char *path, int depth, int *errors);

/* The folder of path ("." when it has none). Caller frees. */
char *conf_dir_of(const char *path);
/* p relative to dir, unless p is absolute. Caller frees. */
char *conf_join_path(const char *dir, const char *p);
/* A file:// URL for a path relative to dir. Caller frees. */
char *conf_file_url(const char *dir, const char *path);
/* 1 if s starts with a URL scheme and "://"-style authority ("https:/"). */
int conf_has_url_scheme(const char *s);
/* v with each ${VAR} replaced by the environment variable or the systemd
 * credential VAR. Caller frees; NULL with the reason in err. */
char *conf_expand_vars(const char *v, char *err, size_t errlen);
#define CONF_MAX_HEADER_LINE 8190   /* bytes in one line of a header file */
#define CONF_MAX_HEADER_LINES 100
/* Appends each "Name: value" line of the file at path to out; blank lines
 * and lines starting with '#' are skipped. Returns 0, or -1 with the
 * reason in err (naming the file and line, never a line's content). */
int conf_read_headers(const char *path, struct strlist *out, char *err, size_t errlen);
/* strtod of the whole string: 0, or -1 when v is not a number. */
int conf_parse_number(const char *v, double *out);
/* "512", "512K", "10M", "1G", "10MB", "10MiB" in bytes; -1 if malformed. */
long long conf_parse_size(const char *v);
/* 1 if name is UTC or a zone of the installed tz database
 * ($TZDIR or /usr/share/zoneinfo), such as Europe/Berlin; 0 if not. */
int conf_valid_zone(const char *name);
/* Levenshtein distance, 99 for strings too long to matter. */
size_t conf_edit_distance(const char *a, const char *b);

#endif
