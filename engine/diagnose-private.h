/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by diagnose.c (the rules) and diagnose-fix.c (names and fixes). */
#pragma once

#include "diagnose.h"

/* The index in spec->layers of the dense layer @f's fix changes or adds a
 * layer after, or -1 (none, or only the output layer). */
int nn_fix_dense (const nn_model_spec *spec,
                  const nn_finding    *f);
