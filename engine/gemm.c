/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "gemm.h"

#include <cblas.h>

void
nn_gemm (bool         trans_a,
         bool         trans_b,
         size_t       m,
         size_t       n,
         size_t       k,
         float        alpha,
         const float *a,
         size_t       lda,
         const float *b,
         size_t       ldb,
         float        beta,
         float       *c,
         size_t       ldc)
{
  if (m == 0 || n == 0)
    return;
  cblas_sgemm (CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
               trans_b ? CblasTrans : CblasNoTrans, (blasint) m, (blasint) n, (blasint) k,
               alpha, a, (blasint) lda, b, (blasint) ldb, beta, c, (blasint) ldc);
}

int
nn_gemm_set_threads (int threads)
{
  if (threads < 1)
    threads = 1;
  openblas_set_num_threads (threads);
  return openblas_get_num_threads ();
}

int
nn_gemm_get_threads (void)
{
  return openblas_get_num_threads ();
}
