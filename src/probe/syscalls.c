// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Syscall numbers per architecture.  Only the numbers live here: the BPF
 * side works with enum ipc_sys, so porting to another architecture means a
 * table below and the register accessors in bpf/arch.bpf.h.
 */
#include <string.h>
#include "probe/syscalls.h"

struct sc_entry {
	uint16_t sys;		/* enum ipc_sys */
	int16_t nr;		/* the architecture's number */
	uint32_t fams;		/* IPC_FAM_* bits that want it */
};

#define FAM(f)		(1u << IPC_FAM_##f)
#define FD_FAMS		(FAM(PIPE) | FAM(SOCKET))

#if defined(__x86_64__)
/* arch/x86/entry/syscalls/syscall_64.tbl */
static const struct sc_entry sc_entries[] = {
	{ IPC_SYS_READ, 0, FD_FAMS },
	{ IPC_SYS_WRITE, 1, FD_FAMS },
	{ IPC_SYS_READV, 19, FD_FAMS },
	{ IPC_SYS_WRITEV, 20, FD_FAMS },
	{ IPC_SYS_SPLICE, 275, FD_FAMS },
	{ IPC_SYS_TEE, 276, FAM(PIPE) },
	{ IPC_SYS_VMSPLICE, 278, FAM(PIPE) },
	{ IPC_SYS_PIPE, 22, FAM(PIPE) },
	{ IPC_SYS_PIPE2, 293, FAM(PIPE) },
	{ IPC_SYS_OPEN, 2, FAM(PIPE) },
	{ IPC_SYS_OPENAT, 257, FAM(PIPE) },
	{ IPC_SYS_OPENAT2, 437, FAM(PIPE) },
	{ IPC_SYS_CLOSE, 3, FD_FAMS | FAM(MQ) },
	{ IPC_SYS_CLOSE_RANGE, 436, FD_FAMS | FAM(MQ) },
	{ IPC_SYS_DUP, 32, FD_FAMS },
	{ IPC_SYS_DUP2, 33, FD_FAMS },
	{ IPC_SYS_DUP3, 292, FD_FAMS },
	{ IPC_SYS_FCNTL, 72, FD_FAMS },
	{ IPC_SYS_MQ_OPEN, 240, FAM(MQ) },
	{ IPC_SYS_MQ_UNLINK, 241, FAM(MQ) },
	{ IPC_SYS_MQ_TIMEDSEND, 242, FAM(MQ) },
	{ IPC_SYS_MQ_TIMEDRECEIVE, 243, FAM(MQ) },
	{ IPC_SYS_MQ_NOTIFY, 244, FAM(MQ) },
	{ IPC_SYS_MQ_GETSETATTR, 245, FAM(MQ) },
	{ IPC_SYS_FUTEX, 202, FAM(FUTEX) },
	{ IPC_SYS_FUTEX_WAITV, 449, FAM(FUTEX) },
	{ IPC_SYS_FUTEX_WAKE, 454, FAM(FUTEX) },	/* Linux 6.7 */
	{ IPC_SYS_FUTEX_WAIT, 455, FAM(FUTEX) },
	{ IPC_SYS_FUTEX_REQUEUE, 456, FAM(FUTEX) },
	{ IPC_SYS_KILL, 62, FAM(SIGNAL) },
	{ IPC_SYS_TKILL, 200, FAM(SIGNAL) },
	{ IPC_SYS_TGKILL, 234, FAM(SIGNAL) },
	{ IPC_SYS_RT_SIGQUEUEINFO, 129, FAM(SIGNAL) },
	{ IPC_SYS_RT_TGSIGQUEUEINFO, 297, FAM(SIGNAL) },
	{ IPC_SYS_PIDFD_SEND_SIGNAL, 424, FAM(SIGNAL) },
	{ IPC_SYS_SOCKET, 41, FAM(SOCKET) },
	{ IPC_SYS_SOCKETPAIR, 53, FAM(SOCKET) },
	{ IPC_SYS_BIND, 49, FAM(SOCKET) },
	{ IPC_SYS_LISTEN, 50, FAM(SOCKET) },
	{ IPC_SYS_CONNECT, 42, FAM(SOCKET) },
	{ IPC_SYS_ACCEPT, 43, FAM(SOCKET) },
	{ IPC_SYS_ACCEPT4, 288, FAM(SOCKET) },
	{ IPC_SYS_SENDTO, 44, FAM(SOCKET) },
	{ IPC_SYS_RECVFROM, 45, FAM(SOCKET) },
	{ IPC_SYS_SENDMSG, 46, FAM(SOCKET) },
	{ IPC_SYS_RECVMSG, 47, FAM(SOCKET) },
	{ IPC_SYS_SENDMMSG, 307, FAM(SOCKET) },
	{ IPC_SYS_RECVMMSG, 299, FAM(SOCKET) },
	{ IPC_SYS_SHUTDOWN, 48, FAM(SOCKET) },
	{ IPC_SYS_SEMGET, 64, FAM(SEM) },
	{ IPC_SYS_SEMOP, 65, FAM(SEM) },
	{ IPC_SYS_SEMTIMEDOP, 220, FAM(SEM) },
	{ IPC_SYS_SEMCTL, 66, FAM(SEM) },
};
#else
#error "ipctrace: no syscall table for this architecture (src/probe/syscalls.c)"
#endif

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

int syscalls__arch_nr(unsigned int sys)
{
	for (size_t i = 0; i < NR_ENTRIES; i++)
		if (sc_entries[i].sys == sys)
			return sc_entries[i].nr;
	return -1;
}
