/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TESTS_HOST_SQL_CHILD_H
#define TESTS_HOST_SQL_CHILD_H

/* Runs sql (one or more statements) on the database at path in a child
 * process, through the SQLite the test links; returns the first column of
 * the last row it produced as a malloc'd string ("" when none), or NULL
 * when it failed (SQLite's message on stderr).
 *
 * A child, because libbpfman.so may carry its own copy of SQLite
 * (-Dsqlite=bundled): two copies in one process on one file undo each
 * other's POSIX locks (closing either's descriptor drops both's), which
 * SQLite documents as a way to corrupt a database. */
char *sql_in_child(const char *path, const char *sql);

#endif
