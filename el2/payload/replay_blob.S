/* SPDX-License-Identifier: MIT */
/* The packed fuzz_hvc corpus (el2/tools/replay_pack.c), replayed by replay.c. */
	.section .rodata.corpus, "a"
	.balign	8
	.global	replay_corpus_start
	.hidden	replay_corpus_start
replay_corpus_start:
	.incbin	EL2_REPLAY_CORPUS
	.balign	8
	.global	replay_corpus_end
	.hidden	replay_corpus_end
replay_corpus_end:
