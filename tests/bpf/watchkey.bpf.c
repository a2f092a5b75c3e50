// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The watch-key functions of include/ipc_obj.h, compiled by the BPF
 * compiler exactly as the probes compile them, run on objects userspace
 * puts in .bss (tests/unit/test_watchkey.c compares with its own build).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "ipctrace_abi.h"
#include "ipc_obj.h"

#define WK_BATCH 256

char LICENSE[] SEC("license") = "GPL";

struct ipc_obj objs[WK_BATCH];
__s32 semids[WK_BATCH];
struct ipc_watch_key keys[WK_BATCH];
struct ipc_watch_key sem_keys[WK_BATCH];
struct ipc_watch_key futex_keys[WK_BATCH];
int kinds[WK_BATCH];
__u32 nr;

SEC("syscall")
int watch_keys(void *ctx)
{
	for (__u32 i = 0; i < WK_BATCH; i++) {
		const struct ipc_obj *o = &objs[i];

		if (i >= nr)
			break;
		ipc_watch_key(o, &keys[i]);
		ipc_sem_watch_key(semids[i], &sem_keys[i]);
		/* a futex key from the object's fields, as the probes pass them */
		ipc_futex_watch_key(o->dev, o->ino, o->peer_ino, &futex_keys[i]);
		kinds[i] = ipc_kind_family(o->kind);
	}
	return 0;
}
