/*
 * model_build.h - internal to the model's builder (model.c, model_layout.c):
 * the state of one rp_model_new while it grows the model's arrays.
 */
#ifndef RP_MODEL_BUILD_H
#define RP_MODEL_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "model_impl.h"

struct build {
    struct rp_model *m;
    size_t cap_holds, cap_edges, cap_values, cap_streams;
};

/* A random stream keyed by key (an uncertain input's), numbered in order. */
int32_t mb_add_stream_key(struct build *b, uint64_t key);

/* Appends one reported value to the layout (model_layout.c). */
void mb_add_value(struct build *b, enum rp_scope scope, uint32_t owner,
                  uint32_t node, uint32_t product, enum rp_metric metric);

/*
 * The values a replication reports, in the order results are laid out:
 * per holding, per report group (and calendar year), per event and node,
 * then the uncertain inputs' draws (model_layout.c).
 */
void mb_build_layout(struct build *b);

#endif
