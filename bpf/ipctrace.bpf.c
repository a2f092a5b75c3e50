// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Placeholder until the probes land: keeps the skeleton buildable. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "ipctrace_abi.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");
