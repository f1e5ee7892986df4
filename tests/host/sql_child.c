// SPDX-License-Identifier: Apache-2.0
/* A second SQLite connection in a process of its own (sql_child.h). */
#include "sql_child.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char last[4096];

static int keep_first_column(void *unused, int ncol, char **vals, char **names)
{
	(void)unused;
	(void)names;
	snprintf(last, sizeof(last), "%s", ncol > 0 && vals[0] ? vals[0] : "");
	return 0;
}

static void child(int out, const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *err = NULL;
	size_t len;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "sql_in_child: opening %s: %s\n", path, sqlite3_errmsg(db));
		_exit(1);
	}
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_exec(db, sql, keep_first_column, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sql_in_child: %s: %s\n", sql, err);
		_exit(1);
	}
	sqlite3_close(db);
	len = strlen(last);
	_exit(write(out, last, len) == (ssize_t)len ? 0 : 1);
}

char *sql_in_child(const char *path, const char *sql)
{
	char buf[sizeof(last) + 1];
	size_t got = 0;
	ssize_t n;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], path, sql);
	}
	close(fds[1]);
	while (got < sizeof(buf) - 1 && (n = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(fds[0]);
	buf[got] = '\0';
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return NULL;
	return strdup(buf);
}
