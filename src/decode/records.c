// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Record types from include/ipc_records.def: size and origin from the row,
 * everything else from the descriptor the row names (src/family/).
 */
#include "decode/records.h"

#define IPC_RECORD(id, nr, st, origin, desc) extern const struct rec_desc desc;
#include "ipc_records.def"
#undef IPC_RECORD

static const struct {
	size_t size;
	int origin;
	const struct rec_desc *desc;
} types[IPC_REC_TYPE_MAX] = {
#define IPC_RECORD(id, nr, st, origin_, desc_)						\
	[IPC_REC_##id] = { sizeof(struct st), REC_##origin_, &desc_ },
#include "ipc_records.def"
#undef IPC_RECORD
};

const struct rec_desc *rec_desc(unsigned int type)
{
	return type < IPC_REC_TYPE_MAX ? types[type].desc : NULL;
}

size_t rec_struct_size(unsigned int type)
{
	return type < IPC_REC_TYPE_MAX ? types[type].size : 0;
}

int rec_origin(unsigned int type)
{
	return type < IPC_REC_TYPE_MAX && types[type].desc ? types[type].origin : -1;
}
