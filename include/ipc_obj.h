/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Object logic that the probes and the collector must agree on, written
 * once and compiled by both (the BPF programs and userspace include this
 * header): which family an object kind belongs to, and the key of the
 * watched-object map.  Plain C on the ABI types, no helpers, no libc.
 */
#ifndef IPCTRACE_IPC_OBJ_H
#define IPCTRACE_IPC_OBJ_H

#include "ipctrace_abi.h"

/* The family whose data operations an object kind carries (ipc_kinds.def). */
static inline __attribute__((always_inline)) int ipc_kind_family(unsigned int kind)
{
	switch (kind) {
#define IPC_KIND(id, nr, name, fam) case IPC_OBJ_##id: return IPC_FAM_##fam;
#include "ipc_kinds.def"
#undef IPC_KIND
	default:
		return IPC_FAM_NONE;
	}
}

#endif /* IPCTRACE_IPC_OBJ_H */
