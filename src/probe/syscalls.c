// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The probes' two syscall tables, from include/ipc_syscalls.def: the
 * architecture's numbers mapped to enum ipc_sys (for the enabled families),
 * and per ipc_sys the handlers the probes dispatch on.  Porting to another
 * architecture means a number column in the .def, its selection below, and
 * the register accessors in bpf/arch.bpf.h.
 */
#include <string.h>
#include "probe/syscalls.h"

struct sc_entry {
	uint16_t sys;		/* enum ipc_sys */
	int16_t nr;		/* the architecture's number */
	uint32_t fams;		/* IPC_FAM_* bits that want it */
	struct ipc_sys_info info;
};

/* A syscall outside the traced ones, by name and what sleeping in it means. */
struct sc_other {
	int16_t nr;
	const char *name;
	uint8_t wait;		/* enum ipc_wait */
};

#if defined(__x86_64__)
#define ARCH_NR(x86_64) x86_64
/* Syscalls a thread sleeps in that ipctrace does not trace, for what blocked threads wait on. */
static const struct sc_other sc_others[] = {
	{ 7, "poll", IPC_WAIT_POLL },
	{ 23, "select", IPC_WAIT_POLL },
	{ 270, "pselect6", IPC_WAIT_POLL },
	{ 271, "ppoll", IPC_WAIT_POLL },
	{ 232, "epoll_wait", IPC_WAIT_POLL },
	{ 281, "epoll_pwait", IPC_WAIT_POLL },
	{ 441, "epoll_pwait2", IPC_WAIT_POLL },
	{ 35, "nanosleep", IPC_WAIT_SLEEP },
	{ 230, "clock_nanosleep", IPC_WAIT_SLEEP },
	{ 61, "wait4", IPC_WAIT_CHILD },
	{ 247, "waitid", IPC_WAIT_CHILD },
	{ 34, "pause", IPC_WAIT_SIGNAL },
	{ 130, "rt_sigsuspend", IPC_WAIT_SIGNAL },
	{ 128, "rt_sigtimedwait", IPC_WAIT_SIGNAL },
	{ 17, "pread64", IPC_WAIT_OTHER },
	{ 18, "pwrite64", IPC_WAIT_OTHER },
	{ 73, "flock", IPC_WAIT_OTHER },
	{ 74, "fsync", IPC_WAIT_OTHER },
	{ 75, "fdatasync", IPC_WAIT_OTHER },
	{ 68, "msgsnd", IPC_WAIT_OTHER },
	{ 69, "msgrcv", IPC_WAIT_OTHER },
	{ 208, "io_getevents", IPC_WAIT_OTHER },
	{ 426, "io_uring_enter", IPC_WAIT_OTHER },
	{ 56, "clone", IPC_WAIT_OTHER },
	{ 59, "execve", IPC_WAIT_OTHER },
};
#else
#error "ipctrace: no syscall numbers for this architecture (include/ipc_syscalls.def)"
#endif

#define FAM(f) (1u << IPC_FAM_##f)
static const struct sc_entry sc_entries[] = {
#define IPC_SYSCALL(id, num, name, fams, enter, exit, peer, x86_64)			\
	{ IPC_SYS_##id, ARCH_NR(x86_64), fams,						\
	  { IPC_ENTER_##enter, IPC_EXIT_##exit, IPC_PEER_##peer, 0 } },
#define IPC_HOOK(id, num, name)
#include "ipc_syscalls.def"
#undef IPC_SYSCALL
#undef IPC_HOOK
};
#undef FAM

#define NR_ENTRIES (sizeof(sc_entries) / sizeof(sc_entries[0]))

int syscalls__fill_table(uint8_t *table, uint32_t mask)
{
	int n = 0;

	memset(table, 0, IPC_SC_TABLE_SIZE);
	for (size_t i = 0; i < NR_ENTRIES; i++) {
		const struct sc_entry *e = &sc_entries[i];

		if (!(e->fams & mask) || e->nr < 0 || e->nr >= IPC_SC_TABLE_SIZE)
			continue;
		table[e->nr] = e->sys;
		n++;
	}
	return n;
}

void syscalls__fill_info(struct ipc_sys_info *info)
{
	memset(info, 0, IPC_SYS_NR_SYSCALLS * sizeof(*info));
	for (size_t i = 0; i < NR_ENTRIES; i++)
		info[sc_entries[i].sys] = sc_entries[i].info;
}

int syscalls__arch_nr(unsigned int sys)
{
	for (size_t i = 0; i < NR_ENTRIES; i++)
		if (sc_entries[i].sys == sys)
			return sc_entries[i].nr;
	return -1;
}

#define NR_OTHERS (sizeof(sc_others) / sizeof(sc_others[0]))

const char *syscalls__other_name(int nr, unsigned int *wait)
{
	for (size_t i = 0; i < NR_OTHERS; i++) {
		if (sc_others[i].nr == nr) {
			if (wait)
				*wait = sc_others[i].wait;
			return sc_others[i].name;
		}
	}
	return NULL;
}
