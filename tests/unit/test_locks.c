// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for where --locks puts its uprobes (locks__func_offset): for
 * every function it probes, the address it reads from this process's own
 * libc must be where this program's calls go (the function pointer the
 * dynamic linker gave us), and the file offset must hold that code.  That
 * covers versioned names (pthread_cond_wait has an old @GLIBC_2.2.5 and a
 * default @@GLIBC_2.3.2 at different addresses) and aliases.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ipctrace_abi.h"
#include "probe/locks.h"

/* What this program's calls resolve to, by name. */
static const struct {
	const char *name;
	void *fn;
} called[] = {
	{ "pthread_mutex_lock", (void *)pthread_mutex_lock },
	{ "pthread_mutex_trylock", (void *)pthread_mutex_trylock },
	{ "pthread_mutex_timedlock", (void *)pthread_mutex_timedlock },
	{ "pthread_mutex_clocklock", (void *)pthread_mutex_clocklock },
	{ "pthread_mutex_unlock", (void *)pthread_mutex_unlock },
	{ "pthread_rwlock_rdlock", (void *)pthread_rwlock_rdlock },
	{ "pthread_rwlock_tryrdlock", (void *)pthread_rwlock_tryrdlock },
	{ "pthread_rwlock_timedrdlock", (void *)pthread_rwlock_timedrdlock },
	{ "pthread_rwlock_clockrdlock", (void *)pthread_rwlock_clockrdlock },
	{ "pthread_rwlock_wrlock", (void *)pthread_rwlock_wrlock },
	{ "pthread_rwlock_trywrlock", (void *)pthread_rwlock_trywrlock },
	{ "pthread_rwlock_timedwrlock", (void *)pthread_rwlock_timedwrlock },
	{ "pthread_rwlock_clockwrlock", (void *)pthread_rwlock_clockwrlock },
	{ "pthread_rwlock_unlock", (void *)pthread_rwlock_unlock },
	{ "pthread_cond_wait", (void *)pthread_cond_wait },
	{ "pthread_cond_timedwait", (void *)pthread_cond_timedwait },
	{ "pthread_cond_clockwait", (void *)pthread_cond_clockwait },
	{ "pthread_cond_signal", (void *)pthread_cond_signal },
	{ "pthread_cond_broadcast", (void *)pthread_cond_broadcast },
	{ "sem_wait", (void *)sem_wait },
	{ "sem_timedwait", (void *)sem_timedwait },
	{ "sem_clockwait", (void *)sem_clockwait },
	{ "sem_trywait", (void *)sem_trywait },
	{ "sem_post", (void *)sem_post },
	{ "pthread_mutex_destroy", (void *)pthread_mutex_destroy },
};
#define NR_CALLED	(sizeof(called) / sizeof(called[0]))

static void *called_fn(const char *name)
{
	for (size_t i = 0; i < NR_CALLED; i++) {
		if (!strcmp(called[i].name, name))
			return called[i].fn;
	}
	return NULL;
}

/* Every function --locks probes is one this test checks, and no name twice. */
static void test_table(void **state)
{
	const struct locks_fn *fns;
	size_t n;

	fns = locks__fns(&n);
	assert_int_equal(n, NR_CALLED);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(called_fn(fns[i].name));
		assert_true(fns[i].func > 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(fns[i].name, fns[j].name);
	}
}

/*
 * The code at the file offset is the code we run, but for int3 bytes: a
 * tracer probing this libc right now has put breakpoints in our memory.
 */
static void assert_same_code(const char *path, uint64_t offset, const void *fn)
{
	const unsigned char *mem = fn;
	unsigned char file[16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, file, sizeof(file), (off_t)offset), sizeof(file));
	close(fd);
	for (size_t i = 0; i < sizeof(file); i++) {
		if (mem[i] != 0xcc)
			assert_int_equal(file[i], mem[i]);
	}
}

static void test_where_calls_go(void **state)
{
	char err[512];

	for (size_t i = 0; i < NR_CALLED; i++) {
		uint64_t vaddr = 0, offset = 0;
		Dl_info info;
		int ret;

		assert_true(dladdr(called[i].fn, &info));
		ret = locks__func_offset(info.dli_fname, called[i].name, &vaddr, &offset, err,
					 sizeof(err));
		if (ret)
			fail_msg("%s: %s (%d)", called[i].name, err, ret);
		/* libc is a shared object: its symbols are relative to its load base */
		assert_int_equal(vaddr, (uintptr_t)called[i].fn - (uintptr_t)info.dli_fbase);
		assert_same_code(info.dli_fname, offset, called[i].fn);
	}
}

static void test_missing(void **state)
{
	uint64_t vaddr, offset;
	char err[512] = "";
	Dl_info info;

	/* a function of libc that no sanitizer intercepts: libc itself */
	assert_true(dladdr((void *)gnu_get_libc_version, &info));
	assert_int_equal(locks__func_offset(info.dli_fname, "pthread_mutex_lockx", &vaddr, &offset,
					    err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "pthread_mutex_lockx"));
	/* a prefix is not the name */
	assert_int_equal(locks__func_offset(info.dli_fname, "pthread_mutex_", &vaddr, &offset,
					    err, sizeof(err)), -ENOENT);
	assert_int_equal(locks__func_offset("/nonexistent/libc.so.6", "sem_post", &vaddr, &offset,
					    err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/libc.so.6"));
}

/* Not an ELF file: a clear error, not a crash. */
static void test_not_elf(void **state)
{
	char path[] = "/tmp/ipct-locks-XXXXXX", err[512] = "";
	uint64_t vaddr, offset;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	assert_int_equal(locks__func_offset(path, "sem_post", &vaddr, &offset, err, sizeof(err)),
			 -ENOEXEC);
	assert_non_null(strstr(err, "not a 64-bit ELF"));
	unlink(path);
}

#if defined(__x86_64__) && defined(__GLIBC__)
/* glibc's x86-64 strlen is an IFUNC: a probe there would trace the resolver. */
static void test_ifunc_refused(void **state)
{
	uint64_t vaddr, offset;
	char err[512] = "";
	Dl_info info;

	/* a function of libc that no sanitizer intercepts: libc itself */
	assert_true(dladdr((void *)gnu_get_libc_version, &info));
	assert_int_equal(locks__func_offset(info.dli_fname, "strlen", &vaddr, &offset, err,
					    sizeof(err)), -ENOTUNIQ);
	assert_non_null(strstr(err, "IFUNC"));
}
#endif

/* Entry probes on tail-call wrappers move to their jmp; nothing else moves. */
static void test_entry_skip(void **state)
{
	/* glibc 2.36 pthread_mutex_unlock: mov $1,%esi; jmp */
	static const unsigned char unlock[] = { 0xbe, 1, 0, 0, 0, 0xe9, 0xf6, 0xfe, 0xff, 0xff };
	/* pthread_mutex_timedlock: mov %rsi,%rdx; xor %esi,%esi; jmp */
	static const unsigned char timed[] = { 0x48, 0x89, 0xf2, 0x31, 0xf6,
					       0xe9, 0x26, 0xf6, 0xff, 0xff };
	/* mov $1,%r8d; mov %r8,%rcx; jmp rel8 */
	static const unsigned char rex[] = { 0x41, 0xb8, 1, 0, 0, 0, 0x4c, 0x89, 0xc1, 0xeb, 0x10 };
	/* pthread_mutex_lock: mov 0x10(%rdi),%eax; ... (a memory operand) */
	static const unsigned char lock[] = { 0x8b, 0x47, 0x10, 0x89, 0xc2, 0xe9, 0, 0, 0, 0 };
	/* writes %edi, the mutex the probe reads */
	static const unsigned char rdi[] = { 0xbf, 1, 0, 0, 0, 0xe9, 0, 0, 0, 0 };
	/* writes %rsp (mov %rax,%rsp): the return address would move */
	static const unsigned char rsp[] = { 0x48, 0x89, 0xc4, 0xe9, 0, 0, 0, 0 };
	/* mov $imm64 (REX.W): not the imm32 form */
	static const unsigned char imm64[] = { 0x48, 0xbe, 1, 0, 0, 0, 0, 0, 0, 0,
					       0xe9, 0, 0, 0, 0 };
	static const unsigned char jmp_only[] = { 0xe9, 0, 0, 0, 0 };

	assert_int_equal(locks__entry_skip(unlock, sizeof(unlock), IPC_LOCKFN_MUTEX_UNLOCK), 5);
	assert_int_equal(locks__entry_skip(timed, sizeof(timed), IPC_LOCKFN_MUTEX_TIMEDLOCK), 5);
	assert_int_equal(locks__entry_skip(rex, sizeof(rex), IPC_LOCKFN_SEM_POST), 9);
	assert_int_equal(locks__entry_skip(lock, sizeof(lock), IPC_LOCKFN_MUTEX_LOCK), 0);
	assert_int_equal(locks__entry_skip(rdi, sizeof(rdi), IPC_LOCKFN_MUTEX_UNLOCK), 0);
	assert_int_equal(locks__entry_skip(rsp, sizeof(rsp), IPC_LOCKFN_MUTEX_UNLOCK), 0);
	assert_int_equal(locks__entry_skip(imm64, sizeof(imm64), IPC_LOCKFN_MUTEX_UNLOCK), 0);
	assert_int_equal(locks__entry_skip(jmp_only, sizeof(jmp_only), IPC_LOCKFN_SEM_WAIT), 0);
	/* a cond wait's probe reads %rsi (the mutex): a wrapper writing it stays put */
	assert_int_equal(locks__entry_skip(unlock, sizeof(unlock), IPC_LOCKFN_COND_WAIT), 0);
	/* the jmp must be the whole rest of the function: more code could branch to it */
	assert_int_equal(locks__entry_skip(timed, sizeof(timed) - 1, IPC_LOCKFN_MUTEX_UNLOCK), 0);
	{
		unsigned char longer[16] = { 0xbe, 1, 0, 0, 0, 0xe9, 0, 0, 0, 0, 0xc3 };

		assert_int_equal(locks__entry_skip(longer, 11, IPC_LOCKFN_MUTEX_UNLOCK), 0);
	}
	/* truncated instructions are not read past the end */
	assert_int_equal(locks__entry_skip(unlock, 3, IPC_LOCKFN_MUTEX_UNLOCK), 0);
	assert_int_equal(locks__entry_skip(rex, 1, IPC_LOCKFN_MUTEX_UNLOCK), 0);
	assert_int_equal(locks__entry_skip(unlock, 0, IPC_LOCKFN_MUTEX_UNLOCK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_where_calls_go),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_entry_skip),
#if defined(__x86_64__) && defined(__GLIBC__)
		cmocka_unit_test(test_ifunc_refused),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
