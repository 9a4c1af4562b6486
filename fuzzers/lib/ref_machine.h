/* SPDX-License-Identifier: MIT */
/*
 * The reference on a fuzz machine (machine.h): its description of the
 * machine, and a second reference of its own that the mutator tries new
 * records on (mutator.c): the reference's answer says whether a record
 * is one the state accepts, and a rejected record changes nothing
 * (SPEC §5), so the next try starts from the same state.
 */
#ifndef FUZZ_REF_MACHINE_H
#define FUZZ_REF_MACHINE_H

#include "machine.h"
#include "ref/ref.h"

/* The reference's description of machine @m. */
void fz_ref_desc(const struct fz_machine *m, struct ref_desc *rd);

/*
 * fz_machine_trial() (ops_pkvm.h, where the machine worlds name it): a
 * reference (struct ref *) built anew on @setup (a struct fz_machine), NULL
 * if it refuses the machine. The same object each call: the last one's
 * state is gone.
 */

#endif /* FUZZ_REF_MACHINE_H */
