/* SPDX-License-Identifier: MIT
 * Test support: runs build/bin/rsmd (found beside the test program's build directory) on a
 * database directory and socket, waits until it accepts, and stops it.
 */
#ifndef RSM_SERVER_TESTS_DAEMON_H
#define RSM_SERVER_TESTS_DAEMON_H

#include <sys/types.h>

/* Starts rsmd --db @db --socket @sock plus @extra (NULL-terminated, may be NULL); returns
 * its pid once the socket accepts connections, or -1 (after 10 s or if it exited). */
pid_t test_rsmd_start(const char *db, const char *sock, const char *const *extra);
/* Sends @sig (SIGTERM for a clean stop) and waits; returns the exit status as waitpid
 * reports it (-1 on error). */
int test_rsmd_stop(pid_t pid, int sig);
/* Path of the rsm CLI next to rsmd. */
const char *test_rsm_cli(void);

#endif
