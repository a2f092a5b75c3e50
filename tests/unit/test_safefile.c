// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for safefile: opening what others name (FIFOs, symlinks,
 * devices, /proc, "..", a root it cannot leave) and creating outputs (new
 * files, our own files, symlinks, hard links, inputs, modes).  An alarm
 * turns a blocking open into a failure instead of a hung test.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/safefile.h"

struct dir {
	char path[64];
};

/* d's path and name, in one of 8 buffers: several alive at once in one call */
static const char *at(struct dir *d, const char *name)
{
	static char buf[8][PATH_MAX];
	static int next;
	char *p = buf[next++ & 7];

	snprintf(p, PATH_MAX, "%s/%s", d->path, name);
	return p;
}

static int setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));

	snprintf(d->path, sizeof(d->path), "/tmp/test_safefile.XXXXXX");
	assert_non_null(mkdtemp(d->path));
	*state = d;
	alarm(10);	/* a blocking open fails the test instead of hanging it */
	return 0;
}

static int teardown(void **state)
{
	struct dir *d = *state;
	char cmd[128];

	alarm(0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", d->path);
	assert_int_equal(system(cmd), 0);
	free(d);
	return 0;
}

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_open_named(void **state)
{
	struct dir *d = *state;
	char rel[PATH_MAX];
	int fd;

	put(at(d, "lib.so"), "ELF", 0644);
	assert_int_equal(mkfifo(at(d, "fifo"), 0600), 0);
	assert_int_equal(symlink(at(d, "lib.so"), at(d, "link")), 0);
	assert_int_equal(mkdir(at(d, "sub"), 0700), 0);
	assert_int_equal(symlink(d->path, at(d, "dirlink")), 0);
	fd = safefile__open_named(NULL, at(d, "lib.so"), 0);
	assert_true(fd >= 0);
	close(fd);
	/* a FIFO opens at once and is refused: never a blocking open */
	assert_int_equal(safefile__open_named(NULL, at(d, "fifo"), 0), -EINVAL);
	assert_int_equal(safefile__open_named(NULL, at(d, "link"), 0), -ELOOP);
	/* a symlink anywhere in the path, not only at its end */
	assert_int_equal(safefile__open_named(NULL, at(d, "dirlink/lib.so"), 0), -ELOOP);
	assert_int_equal(safefile__open_named(NULL, at(d, "sub"), 0), -EINVAL);
	assert_int_equal(safefile__open_named(NULL, at(d, "sub/../lib.so"), 0), -EINVAL);
	assert_int_equal(safefile__open_named(NULL, "/proc/self/status", 0), -EACCES);
	assert_int_equal(safefile__open_named(NULL, "/dev/zero", 0), -EACCES);
	assert_int_equal(safefile__open_named(NULL, "/sys/kernel/notes", 0), -EACCES);
	assert_int_equal(safefile__open_named(NULL, "lib.so", 0), -EINVAL);
	/* a root to look under: the path is inside it, and cannot leave it */
	fd = safefile__open_named(d->path, "/lib.so", 0);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(safefile__open_named(d->path, "/fifo", 0), -EINVAL);
	snprintf(rel, sizeof(rel), "/dirlink/lib.so");
	assert_int_equal(safefile__open_named(d->path, rel, 0), -ELOOP);
	assert_true(safefile__open_named(d->path, "/missing", 0) == -ENOENT);
	/* SAFEF_FOLLOW: our own trees (/usr/lib/debug) may use symlinks */
	fd = safefile__open_named(NULL, at(d, "link"), SAFEF_FOLLOW);
	assert_true(fd >= 0);
	close(fd);
}

static void test_open_proc(void **state)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)getpid());
	fd = safefile__open_proc(path, (uint32_t)getpid(), 0);
	assert_true(fd >= 0);
	close(fd);
	/* a magic link to something that is not a regular file */
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)getpid());
	assert_int_equal(safefile__open_proc(path, (uint32_t)getpid(), 0), -EINVAL);
	assert_false(safefile__path_is_fuse("/tmp"));
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static void test_create(void **state)
{
	struct dir *d = *state;
	char err[PATH_MAX + 128], want[PATH_MAX + 128];
	struct stat st;
	int fd;

	fd = safefile__create(at(d, "new"), 0600, err, sizeof(err));
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mode_of(at(d, "new")), 0600);
	/* ours: truncated, and no looser than asked */
	put(at(d, "old"), "old contents", 0644);
	fd = safefile__create(at(d, "old"), 0600, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	close(fd);
	assert_int_equal(mode_of(at(d, "old")), 0600);
	/* a symlink of ours to a regular file: refused, the file untouched */
	put(at(d, "victim"), "keep", 0644);
	assert_int_equal(symlink(at(d, "victim"), at(d, "out")), 0);
	assert_int_equal(safefile__create(at(d, "out"), 0644, err, sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "refusing to write %s: it is a symlink to a regular file "
		 "(name the file itself)", at(d, "out"));
	assert_string_equal(err, want);
	assert_int_equal(mode_of(at(d, "victim")), 0644);
	assert_int_equal(stat(at(d, "victim"), &st), 0);
	assert_int_equal(st.st_size, 4);
	/* a dangling symlink is not created through */
	assert_int_equal(symlink(at(d, "nowhere"), at(d, "dangling")), 0);
	assert_true(safefile__create(at(d, "dangling"), 0644, err, sizeof(err)) < 0);
	assert_int_equal(access(at(d, "nowhere"), F_OK), -1);
	/* a symlink of ours to a character device: written */
	assert_int_equal(symlink("/dev/null", at(d, "null")), 0);
	fd = safefile__create(at(d, "null"), 0644, err, sizeof(err));
	assert_true(fd >= 0);
	close(fd);
	/* a second hard link: refused */
	assert_int_equal(link(at(d, "victim"), at(d, "hard")), 0);
	assert_int_equal(safefile__create(at(d, "hard"), 0644, err, sizeof(err)), -EPERM);
	snprintf(want, sizeof(want), "refusing to write %s: it has 2 hard links", at(d, "hard"));
	assert_string_equal(err, want);
	assert_int_equal(safefile__create(at(d, "sub-missing/x"), 0644, err, sizeof(err)),
			 -ENOENT);
}

static void test_create_input_and_foreign(void **state)
{
	struct dir *d = *state;
	char err[PATH_MAX + 128];
	struct stat st;
	int in;

	put(at(d, "input.ipct"), "recording", 0600);
	in = open(at(d, "input.ipct"), O_RDONLY);
	assert_true(in >= 0);
	assert_int_equal(safefile__protect(in), 0);
	assert_int_equal(safefile__create(at(d, "input.ipct"), 0644, err, sizeof(err)), -EEXIST);
	assert_int_equal(fstat(in, &st), 0);
	assert_int_equal(st.st_size, 9);
	close(in);
	if (geteuid())
		return;		/* only root can give a file to someone else */
	put(at(d, "theirs"), "x", 0666);
	assert_int_equal(chown(at(d, "theirs"), 65534, 65534), 0);
	assert_int_equal(safefile__create(at(d, "theirs"), 0644, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "it belongs to uid 65534 (remove it first)"));
	assert_int_equal(symlink("/dev/null", at(d, "their-link")), 0);
	assert_int_equal(lchown(at(d, "their-link"), 65534, 65534), 0);
	assert_int_equal(safefile__create(at(d, "their-link"), 0644, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "it is a symlink owned by uid 65534"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_proc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_input_and_foreign, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
