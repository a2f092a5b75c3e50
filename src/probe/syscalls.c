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

#if defined(__x86_64__)
#define ARCH_NR(x86_64) x86_64
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
