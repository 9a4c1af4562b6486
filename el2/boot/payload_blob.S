/* SPDX-License-Identifier: MIT */
/* The host payload (payload/), embedded in the image; el2 copies it to host memory. */
	.section .rodata.payload, "a"
	.balign	16
	.global	el2_payload_start
el2_payload_start:
	.incbin	EL2_PAYLOAD_BIN
	.global	el2_payload_end
el2_payload_end:
