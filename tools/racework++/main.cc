// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * racework++: race patterns the way C++ programs write them (std::mutex,
 * std::lock_guard, std::condition_variable), next to their correct
 * variants (std::scoped_lock, a predicate).  Info lines as racework's:
 *
 *   racework: scenario=S role=R pid=P tid=T key=value...
 *
 * usage: racework++ [--info FILE] [--linger MS] SCENARIO [COUNT]
 */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

namespace {

int info_fd = 2;

long tid()
{
	return syscall(SYS_gettid);
}

void info(const char *scenario, const char *fmt, ...)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "racework: scenario=%s role=main pid=%d tid=%ld ",
			 scenario, getpid(), tid());
	va_list ap;

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > static_cast<int>(sizeof(line)) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(info_fd, line, n) < 0)
		_exit(1);
}

}  // namespace

std::mutex account_lock;
std::mutex audit_lock;
std::condition_variable job_cv;
std::mutex job_lock;
bool job_ready;
unsigned long balance;

namespace {

// Transfers lock the account then the audit log; the auditor the other way round.
void transfer(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		std::lock_guard<std::mutex> a(account_lock);
		std::lock_guard<std::mutex> b(audit_lock);
		balance++;
	}
}

void audit(unsigned int n, bool scoped)
{
	for (unsigned int i = 0; i < n; i++) {
		if (scoped) {
			std::scoped_lock both(audit_lock, account_lock);
			balance--;
		} else {
			std::lock_guard<std::mutex> b(audit_lock);
			std::lock_guard<std::mutex> a(account_lock);
			balance--;
		}
	}
}

int lock_order(const char *s, unsigned int n, bool scoped)
{
	long t1 = 0, t2 = 0;
	std::thread a([&] { t1 = tid(); transfer(n); });

	a.join();
	std::thread b([&] { t2 = tid(); audit(n, scoped); });
	b.join();
	info(s, "done first=%ld second=%ld rounds=%u lock_a=%p lock_b=%p", t1, t2, n,
	     static_cast<void *>(&account_lock), static_cast<void *>(&audit_lock));
	return 0;
}

// The producer notifies before the consumer waits; without a predicate the consumer sleeps.
int notify_first(const char *s, bool predicate)
{
	long waiter = 0;
	bool woken = false;

	{
		std::lock_guard<std::mutex> g(job_lock);
		job_ready = true;
	}
	job_cv.notify_one();	// nobody waits yet
	std::thread c([&] {
		waiter = tid();
		std::unique_lock<std::mutex> l(job_lock);
		if (predicate)
			woken = job_cv.wait_for(l, std::chrono::milliseconds(200),
						[] { return job_ready; });
		else
			woken = job_cv.wait_for(l, std::chrono::milliseconds(200)) ==
				std::cv_status::no_timeout;
	});
	c.join();
	info(s, "done waiter=%ld woken=%d cv=%p mutex=%p", waiter, woken ? 1 : 0,
	     static_cast<void *>(&job_cv), static_cast<void *>(&job_lock));
	return 0;
}

}  // namespace

int main(int argc, char **argv)
{
	int i = 1;
	unsigned int n = 3;

	unsigned long linger = 0;
	int ret = 2;

	for (;;) {
		if (i + 1 < argc && !strcmp(argv[i], "--info")) {
			info_fd = open(argv[i + 1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
				       0600);
			if (info_fd < 0) {
				perror("racework++: open");
				return 2;
			}
			i += 2;
		} else if (i + 1 < argc && !strcmp(argv[i], "--linger")) {
			linger = strtoul(argv[i + 1], nullptr, 10);
			i += 2;
		} else {
			break;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: racework++ [--info FILE] [--linger MS] lock-order|lock-order-ok|"
				"notify-first|notify-first-ok [COUNT]\n");
		return 2;
	}
	if (i + 1 < argc)
		n = static_cast<unsigned int>(strtoul(argv[i + 1], nullptr, 10));
	std::string sc = argv[i];
	if (sc == "lock-order")
		ret = lock_order(argv[i], n, false);
	else if (sc == "lock-order-ok")
		ret = lock_order(argv[i], n, true);
	else if (sc == "notify-first")
		ret = notify_first(argv[i], false);
	else if (sc == "notify-first-ok")
		ret = notify_first(argv[i], true);
	else
		fprintf(stderr, "racework++: unknown scenario '%s'\n", argv[i]);
	// a tracer reads the memory maps of a process some time after its first stack
	std::this_thread::sleep_for(std::chrono::milliseconds(linger > 10000 ? 10000 : linger));
	return ret;
}
