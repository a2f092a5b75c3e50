/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The architecture's syscall numbers for the syscalls ipctrace traces, and
 * the table (sc_table) the probes use to map them to enum ipc_sys.
 */
#ifndef IPCTRACE_SYSCALLS_H
#define IPCTRACE_SYSCALLS_H

#include <stdint.h>
#include "ipctrace_abi.h"

/*
 * Fill table[IPC_SC_TABLE_SIZE] for the families in mask (IPC_FAM_* bits):
 * table[arch_nr] = enum ipc_sys, 0 for syscalls not traced.  Syscalls shared
 * by families (read, write, close, dup) are in when any of their families is.
 * Returns the number of syscalls mapped.
 */
int syscalls__fill_table(uint8_t *table, uint32_t mask);

/* The probes' handlers per enum ipc_sys: IPC_SYS_NR_SYSCALLS entries. */
void syscalls__fill_info(struct ipc_sys_info *info);

/* The architecture's number of an ipc syscall, or -1 when it has none. */
int syscalls__arch_nr(unsigned int sys);

/*
 * A syscall ipctrace does not trace but threads sleep in (nanosleep, wait4,
 * poll...): its name, and in *wait (may be NULL) the enum ipc_wait it means.
 * NULL when not listed.
 */
const char *syscalls__other_name(int nr, unsigned int *wait);

#endif /* IPCTRACE_SYSCALLS_H */
