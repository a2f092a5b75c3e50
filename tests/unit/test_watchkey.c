// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The watch key is computed by the probes (BPF) and by the collector (the
 * snapshot's keys, ipctrace's own output): include/ipc_obj.h is the one
 * source of both.  This test compiles it both ways and feeds the same
 * objects to each: the BPF build runs in the kernel (BPF_PROG_TEST_RUN of
 * tests/bpf/watchkey.bpf.c), the userspace build here.  A difference in
 * what the two compilers make of it (byte order, aliasing, widths, a
 * branch one side takes differently) would mean peers silently stop being
 * watched; it fails here instead.
 *
 * Needs root (CAP_BPF) to load the program; skipped otherwise, except
 * under CI=true, where a skip is a failure.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ipc_obj.h"
#include "ipctrace_abi.h"
#include "tests/watchkey.skel.h"

#define BATCH 256

struct wk_input {
	struct ipc_obj obj;
	int32_t semid;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible inputs, the same on every run */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void fill_random(struct wk_input *in)
{
	static const uint16_t families[] = { 1, 2, 10, 16, 0 };
	struct ipc_obj *o = &in->obj;

	memset(in, 0, sizeof(*in));
	o->kind = rnd() % (IPC_OBJ_KIND_MAX + 3);	/* unknown kinds too */
	o->sock_type = rnd() % 6;
	o->family = rnd() % 4 ? families[rnd() % 5] : (uint16_t)rnd();
	o->dev = (uint32_t)rnd();
	o->ino = rnd() % 2 ? rnd() : rnd() % 100000;
	o->peer_ino = rnd();
	o->peer_pid = (uint32_t)rnd();
	o->lport = (uint16_t)rnd();
	o->rport = rnd() % 3 ? (uint16_t)rnd() : 0;
	for (int i = 0; i < 16; i++) {
		o->laddr[i] = (uint8_t)rnd();
		o->raddr[i] = rnd() % 4 ? (uint8_t)rnd() : 0;
	}
	in->semid = (int32_t)rnd();
}

/* Objects as the probes and /proc make them, with both ends of connections. */
static size_t fill_known(struct wk_input *in, size_t max)
{
	static const uint8_t lo6[16] = { [15] = 1 };
	static const uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };
	size_t n = 0;

#define ADD(...) do { if (n < max) in[n++] = (struct wk_input){ __VA_ARGS__ }; } while (0)
	ADD(.obj = { .kind = IPC_OBJ_PIPE, .dev = 0xd, .ino = 81234 }, .semid = 0);
	ADD(.obj = { .kind = IPC_OBJ_FIFO, .dev = (8 << 20) | 1, .ino = 5513 }, .semid = 32769);
	ADD(.obj = { .kind = IPC_OBJ_MQ, .dev = 0x13, .ino = 42 }, .semid = -1);
	ADD(.obj = { .kind = IPC_OBJ_UNIX, .family = 1, .dev = 8, .ino = 4411, .peer_ino = 4412 });
	ADD(.obj = { .kind = IPC_OBJ_UNIX, .family = 1, .dev = 8, .ino = 4412, .peer_ino = 4411 });
	ADD(.obj = { .kind = IPC_OBJ_TCP, .family = 2, .lport = 5000, .rport = 40312,
		     .laddr = { 127, 0, 0, 1 }, .raddr = { 127, 0, 0, 1 } });
	ADD(.obj = { .kind = IPC_OBJ_TCP, .family = 2, .lport = 40312, .rport = 5000,
		     .laddr = { 127, 0, 0, 1 }, .raddr = { 127, 0, 0, 1 } });
	ADD(.obj = { .kind = IPC_OBJ_UDP, .family = 10, .lport = 53, .rport = 0 });
	ADD(.obj = { .kind = IPC_OBJ_TCP, .family = 10, .lport = 80, .rport = 1234 });
	ADD(.obj = { .kind = IPC_OBJ_OTHER, .dev = 0xffffffff, .ino = ~0ull });
	ADD(.obj = { .kind = IPC_OBJ_NONE }, .semid = INT32_MIN);
	if (n + 2 <= max) {
		in[n] = (struct wk_input){ .obj = { .kind = IPC_OBJ_TCP, .family = 10,
						    .lport = 443, .rport = 50000 } };
		memcpy(in[n].obj.laddr, lo6, 16);
		memcpy(in[n].obj.raddr, mapped, 16);
		in[n + 1] = in[n];
		memcpy(in[n + 1].obj.laddr, mapped, 16);
		memcpy(in[n + 1].obj.raddr, lo6, 16);
		in[n + 1].obj.lport = 50000;
		in[n + 1].obj.rport = 443;
		n += 2;
	}
#undef ADD
	return n;
}

static int must_run(void)
{
	const char *ci = getenv("CI");

	return ci && strcmp(ci, "true") == 0;
}

static void run_batch(struct watchkey_bpf *skel, const struct wk_input *in, size_t n)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct watchkey_bpf__bss *bss = skel->bss;
	int err;

	assert_true(n <= BATCH);
	for (size_t i = 0; i < n; i++) {
		bss->objs[i] = in[i].obj;
		bss->semids[i] = in[i].semid;
	}
	bss->nr = (uint32_t)n;
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.watch_keys), &opts);
	assert_int_equal(err, 0);
	assert_int_equal(opts.retval, 0);
	for (size_t i = 0; i < n; i++) {
		struct ipc_watch_key k, ks, kf;
		const struct ipc_obj *o = &in[i].obj;

		ipc_watch_key(o, &k);
		ipc_sem_watch_key(in[i].semid, &ks);
		ipc_futex_watch_key(o->dev, o->ino, o->peer_ino, &kf);
		if (memcmp(&k, &bss->keys[i], sizeof(k)) || memcmp(&ks, &bss->sem_keys[i], sizeof(ks)) ||
		    memcmp(&kf, &bss->futex_keys[i], sizeof(kf)) ||
		    ipc_kind_family(o->kind) != bss->kinds[i])
			fail_msg("object %zu (kind %u family %u): user {%llx,%llx} bpf {%llx,%llx}", i,
				 o->kind, o->family, (unsigned long long)k.a, (unsigned long long)k.b,
				 (unsigned long long)bss->keys[i].a,
				 (unsigned long long)bss->keys[i].b);
	}
}

static void test_same_keys_both_builds(void **state)
{
	struct watchkey_bpf *skel;
	struct wk_input in[BATCH];
	size_t n;

	if (geteuid() != 0) {
		if (must_run())
			fail_msg("CI=true: this test needs root to load BPF");
		skip();
	}
	skel = watchkey_bpf__open_and_load();
	if (!skel)
		fail_msg("failed to load tests/bpf/watchkey.bpf.c: %s", strerror(errno));
	n = fill_known(in, BATCH);
	run_batch(skel, in, n);
	for (int round = 0; round < 64; round++) {
		for (size_t i = 0; i < BATCH; i++)
			fill_random(&in[i]);
		run_batch(skel, in, BATCH);
	}
	watchkey_bpf__destroy(skel);
}

/* What the key must do, whichever build: both ends meet, kinds stay apart. */
static void test_key_properties(void **state)
{
	struct wk_input in[16];
	struct ipc_watch_key k[16];
	size_t n = fill_known(in, 16);

	for (size_t i = 0; i < n; i++)
		ipc_watch_key(&in[i].obj, &k[i]);
	/* the two views of a tcp connection (5, 6), of a v6 one (11, 12) */
	assert_memory_equal(&k[5], &k[6], sizeof(k[5]));
	assert_memory_equal(&k[11], &k[12], sizeof(k[11]));
	/* a unix socket by its own inode, not its peer's */
	assert_int_equal(k[3].a, 4411);
	assert_int_equal(k[4].a, 4412);
	assert_int_equal(k[3].b, k[4].b);
	/* a pipe by (ino, dev) */
	assert_int_equal(k[0].a, 81234);
	assert_int_equal(k[0].b, 0xd);
	assert_int_equal(ipc_kind_family(IPC_OBJ_FIFO), IPC_FAM_PIPE);
	assert_int_equal(ipc_kind_family(IPC_OBJ_SOCK), IPC_FAM_NONE);
	assert_int_equal(ipc_kind_family(IPC_OBJ_KIND_MAX), IPC_FAM_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_properties),
		cmocka_unit_test(test_same_keys_both_builds),
	};

	libbpf_set_print(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
