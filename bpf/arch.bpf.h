/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Syscall arguments and number from the user registers the raw syscall
 * tracepoints pass (a trusted pointer: plain loads, no probe reads).  The
 * syscall numbers themselves never appear in BPF: the loader maps them
 * (sc_table), so only these accessors are per architecture.
 */
#ifndef IPCTRACE_ARCH_BPF_H
#define IPCTRACE_ARCH_BPF_H

#if defined(__TARGET_ARCH_x86)
#define SC_ARG0(r)	((r)->di)
#define SC_ARG1(r)	((r)->si)
#define SC_ARG2(r)	((r)->dx)
#define SC_ARG3(r)	((r)->r10)
#define SC_ARG4(r)	((r)->r8)
#define SC_ARG5(r)	((r)->r9)
#define SC_NR(r)	((r)->orig_ax)
#define UREG_IP(r)	((r)->ip)
#define UREG_SP(r)	((r)->sp)
#define UREG_FP(r)	((r)->bp)
/* every user register, in DWARF numbering (include/ipctrace_abi.h, IPC_UREG_*) */
#define UREGS_DWARF(r, a)	do {						\
	(a)[0] = (r)->ax; (a)[1] = (r)->dx; (a)[2] = (r)->cx; (a)[3] = (r)->bx;	\
	(a)[4] = (r)->si; (a)[5] = (r)->di; (a)[6] = (r)->bp; (a)[7] = (r)->sp;	\
	(a)[8] = (r)->r8; (a)[9] = (r)->r9; (a)[10] = (r)->r10; (a)[11] = (r)->r11; \
	(a)[12] = (r)->r12; (a)[13] = (r)->r13; (a)[14] = (r)->r14;		\
	(a)[15] = (r)->r15; (a)[16] = (r)->ip; } while (0)
#elif defined(__TARGET_ARCH_arm64)
#define SC_ARG0(r)	((r)->regs[0])
#define SC_ARG1(r)	((r)->regs[1])
#define SC_ARG2(r)	((r)->regs[2])
#define SC_ARG3(r)	((r)->regs[3])
#define SC_ARG4(r)	((r)->regs[4])
#define SC_ARG5(r)	((r)->regs[5])
#define SC_NR(r)	((r)->syscallno)
#define UREG_IP(r)	((r)->pc)
#define UREG_SP(r)	((r)->sp)
#define UREG_FP(r)	((r)->regs[29])
#define UREGS_DWARF(r, a)	do {						\
	for (int __i = 0; __i < 31 && __i < IPC_UREGS_NR; __i++)		\
		(a)[__i] = (r)->regs[__i];					\
	} while (0)
#else
#error "ipctrace: syscall register accessors missing for this architecture"
#endif

#define PAGE_SHIFT	12

#endif /* IPCTRACE_ARCH_BPF_H */
