// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* One look at the blocked threads, following the waits to other processes (looks.h). */
#include "analysis/stalls.h"
#include "model/collector.h"
#include "run/looks.h"
#include "source/snapshot.h"
#include "source/taskscan.h"

#define MAX_WANTED 64		/* other processes asked about per look */

static int push_cb(void *ctx, const void *rec, size_t len)
{
	return collector__push(ctx, rec, len);
}

int looks__take(struct taskscan *ts, struct stalls *s, struct collector *c, uint32_t sflags,
		bool peers)
{
	struct snapshot_opts so = { .peers = peers };
	uint32_t wanted[MAX_WANTED], asked[MAX_WANTED];
	size_t n;
	int nr = 0, err = taskscan__look(ts, sflags);

	if (err || !s)
		return err;
	n = stalls__wanted(s, wanted, MAX_WANTED);
	for (size_t i = 0; i < n && i < MAX_WANTED; i++)
		if (!taskscan__asked(ts, wanted[i]) && !taskscan__ask(ts, wanted[i]))
			asked[nr++] = wanted[i];
	if (!nr)
		return 0;
	/* best effort, as /proc is: a process gone meanwhile is skipped */
	snapshot__targets(asked, nr, &so, push_cb, c, NULL);
	return taskscan__look(ts, sflags);
}
